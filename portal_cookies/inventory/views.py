from flask import Blueprint

bp = Blueprint("inventory", __name__, url_prefix="/admin/inventory")


@bp.get("/")
def index():
    return "inventory"


@bp.get("/categories/")
def categories():
    return "categories"


@bp.get("/providers/")
def providers():
    return "providers"


@bp.get("/entries/new")
def create():
    return "new"
