"""The known history of ``world.py`` as the fixture ``world``."""
from .world import world  # noqa: F401
