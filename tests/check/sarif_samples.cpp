// Writes the SARIF (and JUnit) of `mlscale check` over the proposal fixtures, with the test
// double for the rules, so that validators can read real output: sarif_samples OUTDIR FILE...
#include <fstream>
#include <iostream>

#include "fake_rules.hpp"

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::cerr << "usage: sarif_samples OUTDIR FILE...\n";
        return 2;
    }
    mlscale::CheckOptions options;
    options.root = mlscale::find_check_root(".");
    options.evaluate = mlscale::testing::fake_rules;
    std::vector<mlscale::CheckInput> inputs;
    for (int i = 2; i < argc; ++i) {
        inputs.push_back({argv[i], true});
    }
    const auto result = mlscale::check_inputs(inputs, options);
    mlscale::CheckRenderOptions render;
    render.root = options.root;
    std::ofstream(std::string(argv[1]) + "/check.sarif") << mlscale::render_check_sarif(result, render);
    std::ofstream(std::string(argv[1]) + "/check.junit.xml") << mlscale::render_check_junit(result, render);
    return 0;
}
