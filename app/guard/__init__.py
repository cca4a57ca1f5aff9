"""Guard: the attribution guard over a composed answer (``guard``) and the support measure it uses (``support``)."""
