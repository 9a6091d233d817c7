"""ferry's Python shim: the PEP 517 build backend ``ferry.backend`` and
``python -m ferry``, both of which run the ferry program shipped in this
package (``ferry/bin/ferry``) or, failing that, the one on PATH."""
