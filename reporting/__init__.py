"""The editors' report (`make report`): what people asked, what the bot did not understand,
which answers they rated, where local offerings are missing.

Read the tracker store (``store``), turn its events into typed conversation records
(``conversations``), count them into tables (``figures``, similar questions grouped by
``similar``), draw the charts (``charts``) and write the HTML page or CSV files (``output``).
The command is ``scripts/report.py``; the editors' guide is docs/bericht.md.
"""
