# Home Assistant 2026.x validates with probatio, voluptuous' API-compatible successor,
# and installs it under the name `voluptuous` before anything imports that
# (homeassistant/__init__.py: probatio.compat.install_as_voluptuous). At run time our
# `import voluptuous as vol` therefore is probatio there; this stub tells mypy the same
# for the newest leg (scripts/test sets MYPYPATH=typings/newest). On the minimum leg
# (Home Assistant 2025.4) voluptuous is voluptuous and this folder is not used.
from probatio import *  # noqa: F403
