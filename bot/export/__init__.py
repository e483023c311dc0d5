"""Reference-manager exports of saved papers (`/papers export bibtex|ris`): one module per format.

Each format turns papers into entries (text); :mod:`bot.export.file` makes them one file
(filename, bytes, summary) that a surface uploads or, without uploads, shows a page at a time.
"""
