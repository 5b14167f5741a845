from typing import Annotated

from celery import shared_task
from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI

from app import deps
from app.deps import get_db, make_engine

app = FastAPI()
router = APIRouter()
Conn = Annotated[object, Depends(deps.get_db)]


@router.get("/a")
def route_a(conn: Conn):
    return conn


@app.post("/b")
async def route_b(background: BackgroundTasks, conn=Depends(get_db)):
    background.add_task(notify, 1)
    return make_engine()


def notify(n):
    return n


@app.middleware("http")
async def timing(request, call_next):
    return await call_next(request)


@shared_task
def refresh():
    for url in ["postgresql://a@h/x"]:
        make_engine().dispose()
        print(url)


def handler(event, context):
    return event


def starlette_style(request):
    return request


app.add_api_route("/c", starlette_style)
