"""The context of a claim: what it counts, its canonical measure, where, as of when, and who said it.

One small module per reading rule, so each grows on its own:

- :mod:`~auditor.claims.context.counted`: the counted noun phrase ("250,000 lives", "the toll rose to 70");
- :mod:`~auditor.claims.context.measure`: the canonical measure (``rules/measures.yaml``);
- :mod:`~auditor.claims.context.place`: where (``rules/places.yaml`` through :mod:`auditor.claims.places`);
- :mod:`~auditor.claims.context.time`: as of when;
- :mod:`~auditor.claims.context.attribution`: who said it;
- :mod:`~auditor.claims.context.words`: the closed word classes of ``rules/grammar.yaml`` they share;
- :mod:`~auditor.claims.context.reader`: :class:`ContextReader`, which combines them per sentence.

No parser or tagger is involved: closed word lists stand in for parts of speech.
"""

from auditor.claims.context.reader import ClaimContext, ContextReader

__all__ = ["ClaimContext", "ContextReader"]
