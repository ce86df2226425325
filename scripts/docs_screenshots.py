#!/usr/bin/env python3
"""Copy the user guide's screenshots from a run of the browser test into
docs/img/<language>/, with fewer colours so that they stay small.

    python scripts/docs_screenshots.py SHOTS/en_US docs/img/en
    python scripts/docs_screenshots.py SHOTS/fr_FR docs/img/fr

SHOTS is the folder where tests/test_browser_journey.py wrote its
screenshots ($TELECOM_SCREENSHOTS), one sub-folder per language; see
docs/img/README.md. Needs Pillow (in the project's virtualenv).
"""
import re
import sys
from pathlib import Path

from PIL import Image

# step of the browser test -> name in the guide
GUIDE = {
    "two_lines_selected": "lines",
    "recharge_data_preview": "recharge_data",
    "refused_0_gb": "refused",
    "deployment_finish": "finish",
    "deployment_done_applied": "deployment_done",
    "maj_detail": "maj",
    "deployment_sync_error": "sync_error",
    "accountant_pivot": "pivot",
    "connection_snaic": "connection",
}
COLOURS = 24  # a UI in a few flat colours: 25 KB a screen instead of 100


def main(source, target):
    source, target = Path(source), Path(target)
    target.mkdir(parents=True, exist_ok=True)
    steps = {}
    for path in sorted(source.glob("*.png")):
        match = re.match(r"\d+_(.+)\.png$", path.name)
        if match and match.group(1) in GUIDE:
            steps[match.group(1)] = path  # the last run of a step wins
    missing = sorted(set(GUIDE) - set(steps))
    if missing:
        sys.exit("no screenshot of %s in %s" % (", ".join(missing), source))
    total = 0
    for step, path in sorted(steps.items()):
        image = Image.open(str(path)).convert("RGB")
        small = image.quantize(colors=COLOURS, method=Image.MEDIANCUT, dither=Image.NONE)
        out = target / ("%s.png" % GUIDE[step])
        small.save(str(out), optimize=True)
        total += out.stat().st_size
        print("%s -> %s (%d KB)" % (path.name, out, out.stat().st_size // 1024))
    print("%d screenshots, %d KB" % (len(steps), total // 1024))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
