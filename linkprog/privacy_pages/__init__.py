"""The national admin's privacy pages: what the retention job would do next, and subject
access requests (find, export, erase) for one email address (``linkprog.privacy``)."""
