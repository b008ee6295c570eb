GREETING = "hello from lib"
