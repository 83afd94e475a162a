"""coopsim: a multi-agent game-theory simulator for cooperation on safety between AI labs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("coopsim")
except PackageNotFoundError:  # running from a checkout that was not installed
    __version__ = "0.0.0+local"
