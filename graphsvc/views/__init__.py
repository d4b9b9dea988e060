"""HTML views: interactive co-authorship networks (pyvis, vis-network) that need no network.

::

    subgraph.py  a service answer + the graph -> View (layout, communities, evidence, top ties)
    render.py    View -> network HTML (pyvis ``generate_html`` with our own template), assets
    pages.py     page shells around the network: forms, evidence lists, legend, links
    routes.py    ``router``: ``/``, ``/view/...``, ``/static/...`` for the FastAPI app

``graphsvc view`` (``graphsvc/cli/view.py``) writes the same pages as self-contained files.
"""
