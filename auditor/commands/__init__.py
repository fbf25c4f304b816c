"""Subcommands of ``auditor``, one module each, imported only when used (see :mod:`auditor.cli`).

A module ``auditor/commands/<name>.py`` defines a click command object named ``command``; add its name and
one-line help to :data:`auditor.cli.COMMANDS`. Keep heavy imports (pandas, pandera, pint, matplotlib) out of
this package's ``__init__`` so that listing the commands stays fast.
"""
