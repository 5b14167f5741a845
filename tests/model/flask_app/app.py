from flask import Flask
from flask_sqlalchemy import SQLAlchemy


class ProdConfig:
    SQLALCHEMY_DATABASE_URI = "mysql+pymysql://app@db/app"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 10}


app = Flask(__name__)
app.config.from_object(ProdConfig)
app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_recycle": 3600, "pool_pre_ping": True}
db = SQLAlchemy(app, engine_options={"echo": False})
app.config["SQLALCHEMY_BINDS"] = {
    "users": "postgresql://app@users-db/users",
    "audit": {"url": "sqlite:///audit.db", "pool_recycle": 60},
}
