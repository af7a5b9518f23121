"""The figures page (charts drawn by the vendored Chart.js, with the same numbers as tables) and its
CSV export."""

from __future__ import annotations

import csv
import io
import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from hub.console import figures_data
from hub.console.pages import Console, language
from hub.console.words import STATUS_WORDS, translate


def _days(request: Request) -> int:
    try:
        return min(366, max(1, int(request.query_params.get("days", "30"))))
    except ValueError:
        return 30


def routes(console: Console) -> APIRouter:
    router = APIRouter()

    @router.get("/console/figures", include_in_schema=False)
    def figures_page(request: Request) -> Response:
        session = console.signed_in(request, "figures.view")
        figures = figures_data.compute(console.store, _days(request), console.settings.timezone)
        charts = {
            "by_service": [[console.catalogue_words.service_title(s, language(request)), n] for s, n in figures.by_service],
            "by_terminal": [[t, n] for t, n in figures.by_terminal],
            "by_hour": [[f"{h:02d}", n] for h, n in figures.by_hour],
            "waits": [[STATUS_WORDS[w["status"]][language(request)], w["median_h"]] for w in figures.waits],
            "ratings": [[f"{s}★", n] for s, n in figures.ratings],
        }
        return console.render(
            request,
            session,
            "figures.html",
            nav="figures",
            figures=figures,
            tables=figures.tables(),
            charts_json=json.dumps(charts, ensure_ascii=False).replace("</", "<\\/"),
        )

    @router.get("/console/figures.csv", include_in_schema=False)
    def figures_csv(request: Request, table: str = "by_service") -> Response:
        session = console.signed_in(request, "figures.view")
        tables = figures_data.compute(console.store, _days(request), console.settings.timezone).tables()
        if table not in tables:
            return Response("unknown table\n", status_code=404, media_type="text/plain")
        header, rows = tables[table]
        if request.query_params.get("keys") != "1":
            # for people: columns, services and statuses in the page's language (`keys=1`: the
            # stable ids and keys, for scripts that read the export every month)
            header, rows = _in_words(console, header, rows, language(request))
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        console.audit(session, "figures.export", table)
        return Response(
            out.getvalue().encode("utf-8-sig"),  # with a BOM, so a spreadsheet on a staff PC reads Chinese
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="figures-{table}.csv"'},
        )

    return router


def _in_words(console: Console, header: list[str], rows: list[list], lang: str) -> tuple[list[str], list[list]]:
    words = [translate(f"col.{h}", lang) for h in header]
    shown = []
    for row in rows:
        row = list(row)
        if header[0] == "service_id":
            row[0] = console.catalogue_words.service_title(row[0], lang)
        elif header[0] == "status":
            row[0] = STATUS_WORDS.get(row[0], {}).get(lang, row[0])
        shown.append(row)
    return words, shown
