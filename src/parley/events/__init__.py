"""Events: the CAMEO/PLOVER ontology, the verb-pattern lexicon and the clause-level coder."""
from .ontology import Ontology, CameoCode
from .lexicon import VerbLexicon, Pattern
from .coder import EventCoder

__all__ = ["Ontology", "CameoCode", "VerbLexicon", "Pattern", "EventCoder"]
