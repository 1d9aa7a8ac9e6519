// Replaced by the composition root (app/).
int main() { return 0; }
