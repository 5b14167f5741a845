# The service applies its migrations at start-up, in its own process.
from alembic import command
from alembic.config import Config

import oracle_probe

command.upgrade(Config("alembic.ini"), "head")
print("migrated")
oracle_probe.report_backends("after the upgrade")
