"""The chat UI: ``build_ui(qa) -> gr.Blocks`` (Gradio 6), mounted at ``/`` by ``app.surfaces.server``.

Chat on the left (streamed answers, follow-ups use the history, filters by outlet
and date), the passage panel on the right (click a citation: the passage in its
article with the cited claim highlighted, the title, outlet, date and link), a
corpus tab (counts, upload with progress). All HTML comes from
:mod:`app.surfaces.ui.render`, which escapes everything taken from articles.

Gradio 6 takes CSS/JS/theme at mount/launch time: pass :data:`UI_CSS` and
:func:`ui_theme` to ``gr.mount_gradio_app`` (``app.surfaces.server`` does) or ``launch``.

Modules: :mod:`.blocks` (the layout and its wiring), :mod:`.chat` (the chat handlers),
:mod:`.corpus` (page load, counts, upload), :mod:`.examples` (example questions from the corpus),
:mod:`.render` (HTML), :mod:`.assets` (CSS, script, theme).
"""

from app.surfaces.ui.assets import UI_CSS, ui_theme
from app.surfaces.ui.blocks import build_ui
from app.surfaces.ui.examples import corpus_examples

__all__ = ["UI_CSS", "build_ui", "corpus_examples", "ui_theme"]
