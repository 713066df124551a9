"""Demo data for the quick start, and synthetic meetings for benchmarks."""

from app.demo.data import DEMO_USERS
from app.demo.seed import SeedSummary, seed_demo
from app.demo.synthetic import seed_synthetic

__all__ = ["DEMO_USERS", "SeedSummary", "seed_demo", "seed_synthetic"]
