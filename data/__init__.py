"""Reference data (provinces, communes, population, tile grid) and the default database file."""
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DB = DATA_DIR / "nq72.duckdb"
