from flask import Flask
from flask.views import MethodView

app = Flask(__name__)


def index(request):
    return request


class ItemView(MethodView):
    def get(self, item_id):
        return item_id

    def helper(self):
        return None


def create_app():
    application = Flask(__name__)

    @application.route("/")
    def home():
        return "ok"

    return application
