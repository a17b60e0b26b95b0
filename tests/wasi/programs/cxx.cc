// A C++ program on libc++ (-fno-exceptions): reads words from std::cin,
// counts them in a std::map and a std::unordered_map, sorts with
// std::sort, formats with iostream manipulators and std::to_string,
// writes a report through std::ofstream into the directory argv[1] and
// reads it back with std::ifstream. Compared with the same source built
// with g++ and libstdc++, so only what both libraries must print alike is
// printed (an unordered_map's order is not).
#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
  virtual std::string name() const = 0;
};

struct Rect : Shape {
  double w, h;
  Rect(double w, double h) : w(w), h(h) {}
  double area() const override { return w * h; }
  std::string name() const override { return "rect"; }
};

struct Circle : Shape {
  double r;
  explicit Circle(double r) : r(r) {}
  double area() const override { return 3.141592653589793 * r * r; }
  std::string name() const override { return "circle"; }
};

std::string lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  std::map<std::string, int> counts;
  std::unordered_map<std::string, int> hashed;
  std::vector<std::string> words;
  std::string line;
  size_t lines = 0;
  while (std::getline(std::cin, line)) {
    ++lines;
    std::istringstream in(line);
    std::string word;
    while (in >> word) {
      word = lower(word);
      ++counts[word];
      ++hashed[word];
      words.push_back(word);
    }
  }
  std::cout << "lines " << lines << ", words " << words.size() << ", distinct "
            << counts.size() << '\n';
  bool agree = counts.size() == hashed.size();
  for (const auto& [word, n] : counts) agree = agree && hashed.at(word) == n;
  std::cout << "map and unordered_map agree: " << std::boolalpha << agree
            << '\n';

  // The ten most frequent, ties by word.
  std::vector<std::pair<std::string, int>> top(counts.begin(), counts.end());
  std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  top.resize(std::min<size_t>(top.size(), 10));
  for (const auto& [word, n] : top) {
    std::cout << std::left << std::setw(14) << word << std::right
              << std::setw(6) << n << std::setw(10) << std::fixed
              << std::setprecision(3) << 100.0 * n / double(words.size())
              << "%\n";
  }

  std::stable_sort(words.begin(), words.end(),
                   [](const std::string& a, const std::string& b) {
                     return a.size() < b.size();
                   });
  std::cout << "shortest " << words.front() << ", longest " << words.back()
            << '\n';
  std::cout << "numbers: " << std::to_string(42) << ' ' << std::to_string(-7L)
            << ' ' << std::to_string(3.25) << ' ' << std::hex << 255 << std::dec
            << ' ' << std::scientific << std::setprecision(4) << 12345.678
            << ' ' << std::defaultfloat << 0.1 << '\n';

  std::vector<std::unique_ptr<Shape>> shapes;
  for (int i = 1; i <= 4; ++i) {
    shapes.push_back(std::make_unique<Rect>(i, i + 0.5));
    shapes.push_back(std::make_unique<Circle>(i * 0.75));
  }
  std::sort(shapes.begin(), shapes.end(),
            [](const auto& a, const auto& b) { return a->area() < b->area(); });
  std::cout << std::fixed << std::setprecision(4);
  for (const auto& s : shapes)
    std::cout << s->name() << ' ' << s->area() << '\n';

  // Through a file in the directory argv[1] and back.
  const std::string path = std::string(argv[1]) + "/report.txt";
  {
    std::ofstream out(path);
    if (!out) {
      std::cout << "cannot write " << path << '\n';
      return 1;
    }
    for (const auto& [word, n] : top) out << word << ' ' << n << '\n';
  }
  std::ifstream in(path);
  std::string word;
  int n = 0, sum = 0, entries = 0;
  while (in >> word >> n) {
    sum += n;
    ++entries;
  }
  std::cout << "report: " << entries << " entries, " << sum << " words\n";
  {
    std::ofstream app(path, std::ios::app);
    app << "appended 1\n";
  }
  std::ifstream again(path, std::ios::ate);
  std::cout << "report size " << static_cast<long>(again.tellg()) << '\n';
  std::cerr << "done\n";
  return 0;
}
