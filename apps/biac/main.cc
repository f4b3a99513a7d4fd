#include "biac/app/cli.h"

int main(int argc, char** argv) { return biac::app::Run(argc, argv); }
