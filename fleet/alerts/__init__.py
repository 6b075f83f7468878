"""Fleet alerts: the open -> acknowledged -> resolved lifecycle, and the rules that raise them."""
