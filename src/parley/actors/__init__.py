"""Actors: a knowledge base of countries, organisations, people (dated roles) and agents,
a phrase matcher over the parsed text, and a resolver that turns matches into Mentions."""
from .kb import KnowledgeBase, Entry, Role
from .resolve import ActorResolver

__all__ = ["KnowledgeBase", "Entry", "Role", "ActorResolver"]
