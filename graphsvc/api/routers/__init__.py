"""One router per resource; ``graphsvc.api.app`` assembles them."""
