// SPDX-License-Identifier: GPL-2.0-or-later
// parse_queue_list: the forms netring accepts for a list of RX queues, and the ones it refuses.
#include <string>
#include <vector>

#include "catch.h"
#include "netring/base/queues.h"

using netring::missing_queue;
using netring::parse_queue_list;
using Queues = std::vector<std::uint32_t>;

TEST_CASE("queue lists: ranges, single queues and all", "[queues]")
{
    std::string problem;
    CHECK(parse_queue_list("0-3", 4, problem) == Queues{0, 1, 2, 3});
    CHECK(parse_queue_list("0,2,5", 8, problem) == Queues{0, 2, 5});
    CHECK(parse_queue_list("1-2,5", 8, problem) == Queues{1, 2, 5});
    CHECK(parse_queue_list("5,1-2", 8, problem) == Queues{1, 2, 5});
    CHECK(parse_queue_list("3", 4, problem) == Queues{3});
    CHECK(parse_queue_list("2-2", 4, problem) == Queues{2});
    CHECK(parse_queue_list("all", 3, problem) == Queues{0, 1, 2});
    CHECK(problem.empty());
}

TEST_CASE("queue lists: refused with a reason", "[queues]")
{
    for (const char *text : {"", "a", "1-", "-1", "1,,2", "1,", " 1", "1 ", "0x1", "3-1", "0-3,2", "1,1", "4",
                             "0-4", "99999999999"}) {
        std::string problem;
        INFO(text);
        CHECK_FALSE(parse_queue_list(text, 4, problem));
        CHECK_FALSE(problem.empty());
    }
    std::string problem;
    CHECK_FALSE(parse_queue_list("all", 0, problem));
    CHECK_FALSE(problem.empty());
    problem.clear();
    CHECK_FALSE(parse_queue_list("0-3,2", 4, problem));
    CHECK(problem.find("queue 2 twice") != std::string::npos);
    problem.clear();
    CHECK_FALSE(parse_queue_list("0-4", 4, problem));
    CHECK(problem.find("no queue 4") != std::string::npos);
}

TEST_CASE("a queue the interface lacks: the count and the numbers there are", "[queues]")
{
    CHECK(missing_queue("veth0", "TX", 1, 5) == "veth0 has only 1 TX queue (queue 0): there is no queue 5");
    CHECK(missing_queue("eth0", "RX", 4, 4) == "eth0 has only 4 RX queues (queues 0-3): there is no queue 4");
}
