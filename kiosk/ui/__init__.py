"""The kiosk app (Kivy): screens, widgets and the seams devices, camera and fleet plug into."""

import os

# Importing anything of Kivy must never let it parse our command line, read or write
# ~/.kivy/config.ini, or take over the root logger: set this before any kivy import.
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONFIG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
