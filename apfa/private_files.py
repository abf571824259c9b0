"""Files APFA writes are readable by its own user only: uploads, the index, the database, logs, Chainlit's copies."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_UMASK = 0o077
PRIVATE_DIRECTORY_MODE = 0o700


def keep_files_private(data_dir: Path) -> None:
    """Create every later file 0600 and folder 0700 (process-wide, inherited by child processes), and close the
    data directory itself so that anything written there earlier with looser modes is out of others' reach too."""
    os.umask(PRIVATE_UMASK)
    data_dir = Path(data_dir)
    data_dir.mkdir(mode=PRIVATE_DIRECTORY_MODE, parents=True, exist_ok=True)
    data_dir.chmod(PRIVATE_DIRECTORY_MODE)
