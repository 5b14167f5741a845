from sqlalchemy import create_engine

# SQLite file databases default to NullPool on SQLAlchemy 1.4
engine = create_engine("sqlite:///app.db")
