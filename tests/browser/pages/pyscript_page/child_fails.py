import fails

fails.outer()
