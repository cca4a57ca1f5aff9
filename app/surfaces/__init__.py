"""The surfaces over the answer core: the command line (:mod:`app.surfaces.cli`), the HTTP API
(:mod:`app.surfaces.http`), the Gradio UI (:mod:`app.surfaces.ui`) and the server that runs the last two in
one process (:mod:`app.surfaces.server`).

The surfaces build on :class:`app.service.NewsQA`; nothing below them imports them (``lint-imports``
keeps it so). The HTTP API and the UI do not import each other: what they share (the write lock,
:func:`app.service.write_lock`) lives below them.
"""
