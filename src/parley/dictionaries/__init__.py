"""Import formats for other coders' dictionaries (PETRARCH/TABARI), read into parley's own structures."""
from .petrarch import PetrarchDictionaries, read_petrarch

__all__ = ["PetrarchDictionaries", "read_petrarch"]
