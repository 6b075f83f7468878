"""Every top-level `kiosk` command, in one list (add yours here).

Command modules import only click at the top and load what they need inside the command, so
that `kiosk --help` and quick commands start fast on a kiosk's small CPU.
"""

from __future__ import annotations

import click

from kiosk.cli.catalog_cmd import catalog_group
from kiosk.cli.config_cmd import config_group
from kiosk.cli.db_cmd import db_group
from kiosk.cli.demo_cmd import demo
from kiosk.cli.devices import devices
from kiosk.cli.faces import faces
from kiosk.cli.members_cmd import members_group
from kiosk.cli.run_cmd import run
from kiosk.cli.sales_cmd import sales_group
from kiosk.cli.scan import scan
from kiosk.cli.simulate_cmd import simulate
from kiosk.cli.staff_cmd import staff_group

COMMANDS: list[click.Command] = [
    config_group,
    catalog_group,
    db_group,
    staff_group,
    sales_group,
    members_group,
    faces,
    scan,
    devices,
    simulate,
    demo,
    run,
]
