"""srcpkg."""
from srcpkg.core import thing  # noqa

__version__ = "2.0.0rc1"
