"""Regenerate docs/screenshot.svg, the lesson screen README shows:  python docs/make_screenshot.py"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def main() -> None:
    os.environ["BPTUTOR_HOME"] = tempfile.mkdtemp(prefix="bptutor-shot-")
    from bptutor.app.app import make_app

    app = make_app(ROOT / "lessons" / "04-bp2-three-feed-two.yaml")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # past the introduction
        await pilot.pause()
        session = app.screen.session
        for _ in range(7):  # BP1 done, then into BP2
            await pilot.press(*f"{session.current.value:.4g}", "enter")
            await pilot.pause()
        await pilot.press(*"0.0326", "enter")  # a wrong value: the feedback names the slip or says not
        await pilot.press("f2")
        await pilot.pause()
        app.save_screenshot(filename="screenshot.svg", path=str(ROOT / "docs"))


if __name__ == "__main__":
    asyncio.run(main())
