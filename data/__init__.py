"""Reference data (provinces, communes, population), the demo generator and the default database."""
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DB = DATA_DIR / "nq72.duckdb"
