def run(expression):
    return eval(expression)
