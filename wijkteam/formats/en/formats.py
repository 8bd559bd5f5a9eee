# The English interface keeps the Dutch date convention: the data and its readers are Dutch.
from wijkteam.formats.nl.formats import *  # noqa: F403
