"""The fleet web console: pages, JSON API, live updates and /metrics, served by `fleet serve`."""
