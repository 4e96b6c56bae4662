"""`python -m docflow COMMAND`: see docflow.cli."""
from docflow.cli import main

if __name__ == "__main__":
    main()
