"""Self-checkout kiosk: checkout core, payments, storage, receipts and the app."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("open-selfcheckout")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"
