# A counting loop with float arithmetic (in a function, as this reference has always timed it).
def loop():
    s = 0
    for i in range(1000000):
        s = s + i * 0.5
    return s


result = loop()
