"""The presentation stage: turns metrics into what a reader sees — formatted tables, figures, texts.

Third stage of the data's way (plan → metrics → present → pages). `views` holds one module per
page: a frozen dataclass naming everything the page shows and the one pure function that builds
it, callable from a test without Streamlit. This package never computes a figure itself (that is
`metrics`) and never imports streamlit (that is `ui` and the pages).
"""

from dashboard.present import views

__all__ = ["views"]
