"""Performance reviews (seed 001, CONTRACT §3): templates, cycles, reviews, 360 feedback, pending."""
