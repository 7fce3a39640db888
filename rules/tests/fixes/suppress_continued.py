def run(a, b):
    return eval(a) + \
        eval(b)
