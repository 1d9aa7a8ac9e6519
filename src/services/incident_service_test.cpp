// The incident use cases against a real (temporary) SQLite store: each command writes its
// rows and events together, or nothing at all.
#include "services/incident_service.hpp"
#include "services/incident_queries.hpp"

#include "services/directory_service.hpp"
#include "services/media_service.hpp"
#include "core/test_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace siaga::services {
namespace {

using domain::dispatch_status;
using domain::incident_status;
using namespace std::chrono_literals;

class fixed_random final : public core::random_source {
 public:
  void fill(std::uint8_t* out, std::size_t n) override {
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(state_ = state_ * 1103515245u + 12345u);
  }

 private:
  std::uint32_t state_ = 7;
};

class incident_service_test : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = core::fresh_test_dir("siaga-svc-");
    auto st = storage::open_sqlite({(dir_ / "t.db").string()});
    ASSERT_TRUE(st.has_value()) << st.error().message;
    store_ = std::move(*st);
    ASSERT_TRUE(store_->migrate().has_value());

    jur_ = domain::jurisdiction{"j1", "81.71", "Kota Ambon", "Asia/Jayapura", "AMB", {0, 6}, {}, {}};
    admin_ = system_actor("j1");
    ASSERT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
      if (auto r = tx.insert_jurisdiction(jur_); !r) return r;
      return tx.insert_district(domain::district{"d1", "j1", "81.71.02", "Sirimau", domain::geo_point{-3.69, 128.18}, ""});
    }));
    damkar_ = make_agency("DAMKAR", domain::agency_kind::fire);
    pln_ = make_agency("PLN", domain::agency_kind::electricity);
    domain::category fire;
    fire.code = "fire";
    fire.name_id = "Kebakaran";
    fire.urgency_class = domain::urgency::emergency;
    fire.run_card = {{damkar_, domain::dispatch_role::primary}, {pln_, domain::dispatch_role::supporting}};
    ASSERT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
      auto c = save_category(tx, ctx(), admin_, fire);
      if (!c) return c.error();
      fire_ = c->id;
      return {};
    }));
    call_taker_ = actor{"u-ct", "j1", domain::role::call_taker, std::nullopt, "Petugas"};
    operator_ = actor{"u-op", "j1", domain::role::agency_operator, damkar_, "Operator Damkar"};
  }

  void TearDown() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }

  context ctx() { return context{clock_, ids_, random_}; }

  std::string make_agency(const std::string& code, domain::agency_kind kind) {
    std::string id;
    EXPECT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
      domain::agency a;
      a.code = code;
      a.name = code;
      a.kind = kind;
      auto saved = save_agency(tx, ctx(), admin_, a);
      if (!saved) return saved.error();
      id = saved->id;
      return {};
    }));
    return id;
  }

  // Runs one command and returns its value (or error).
  template <class T, class Fn>
  core::result<T> run(Fn fn) {
    std::optional<core::result<T>> out;
    auto done = store_->write([&](storage::store_txn& tx) -> core::result<void> {
      out.emplace(fn(tx));
      if (!*out) return out->error();
      return {};
    });
    if (!done) return done.error();
    return std::move(*out);
  }

  std::size_t event_count() { return store_->reader().events_of_jurisdiction("j1")->size(); }

  // A new fire incident (dispatched to Damkar and PLN by the run card) made by the call taker.
  domain::incident fire_incident() {
    new_incident in;
    in.category_id = fire_;
    auto inc = run<domain::incident>([&](auto& tx) { return create_incident(tx, ctx(), call_taker_, in); });
    EXPECT_TRUE(inc.has_value());
    return inc ? *inc : domain::incident{};
  }

  // The id of the incident's dispatch to the agency.
  std::string dispatch_of(const std::string& incident_id, const std::string& agency_id) {
    for (const auto& d : *store_->reader().dispatches_of_incident(incident_id)) {
      if (d.agency_id == agency_id) return d.id;
    }
    ADD_FAILURE() << "no dispatch to " << agency_id;
    return {};
  }

  std::filesystem::path dir_;
  std::unique_ptr<storage::store> store_;
  core::manual_clock clock_{core::from_micros(1'795'000'000'000'000)};
  fixed_random random_;
  core::id_generator ids_{random_};
  domain::jurisdiction jur_;
  actor admin_, call_taker_, operator_;
  std::string damkar_, pln_, fire_;
};

TEST_F(incident_service_test, incident_number_is_per_local_day_and_run_card_is_dispatched) {
  new_incident in;
  in.category_id = fire_;
  auto a = run<domain::incident>([&](auto& tx) { return create_incident(tx, ctx(), call_taker_, in); });
  auto b = run<domain::incident>([&](auto& tx) { return create_incident(tx, ctx(), call_taker_, in); });
  ASSERT_TRUE(a.has_value()) << a.error().message;
  ASSERT_TRUE(b.has_value());
  // Ambon is on WIT (UTC+9): the number carries the local date.
  EXPECT_EQ(a->number, domain::format_incident_number("AMB", clock_.now(), 540, 1));
  EXPECT_EQ(b->number, domain::format_incident_number("AMB", clock_.now(), 540, 2));
  EXPECT_EQ(a->status, incident_status::dispatched);
  auto ds = store_->reader().dispatches_of_incident(a->id);
  ASSERT_EQ(ds->size(), 2u);
  clock_.advance(24h);
  auto c = run<domain::incident>([&](auto& tx) { return create_incident(tx, ctx(), call_taker_, in); });
  EXPECT_EQ(c->number.substr(11), "0001");
}

TEST_F(incident_service_test, a_failing_command_leaves_no_rows_and_no_events) {
  auto events_before = event_count();
  new_incident in;
  in.category_id = fire_;
  in.add_agency_ids = {"no-such-agency"};
  auto r = run<domain::incident>([&](auto& tx) { return create_incident(tx, ctx(), call_taker_, in); });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::errc::invalid_input);
  EXPECT_EQ(event_count(), events_before);
  storage::incident_filter f;
  f.jurisdiction_id = "j1";
  EXPECT_EQ(store_->reader().list_incidents(f)->total, 0);
}

TEST_F(incident_service_test, incident_status_follows_its_dispatches) {
  auto inc = fire_incident();
  auto of = [&](const std::string& agency) { return dispatch_of(inc.id, agency); };
  auto move = [&](const actor& who, const std::string& id, dispatch_status to, std::string text = {}) {
    clock_.advance(30s);
    return run<domain::dispatch>([&](auto& tx) { return move_dispatch(tx, ctx(), who, id, to, text); });
  };
  auto status = [&] { return (*store_->reader().find_incident("j1", inc.id))->status; };

  ASSERT_TRUE(move(operator_, of(damkar_), dispatch_status::acknowledged));
  EXPECT_EQ(status(), incident_status::dispatched);
  ASSERT_TRUE(move(operator_, of(damkar_), dispatch_status::en_route));
  EXPECT_EQ(status(), incident_status::in_progress);
  // The Damkar operator cannot touch PLN's dispatch, and cannot see that it exists.
  auto foreign = move(operator_, of(pln_), dispatch_status::acknowledged);
  ASSERT_FALSE(foreign.has_value());
  EXPECT_EQ(foreign.error().code, core::errc::not_found);
  ASSERT_TRUE(move(call_taker_, of(pln_), dispatch_status::declined, "Tidak ada petugas"));
  EXPECT_EQ(status(), incident_status::in_progress);
  ASSERT_TRUE(move(operator_, of(damkar_), dispatch_status::on_scene));
  ASSERT_TRUE(move(operator_, of(damkar_), dispatch_status::completed, "Padam"));
  EXPECT_EQ(status(), incident_status::resolved);

  auto closed = run<domain::incident>(
      [&](auto& tx) { return act_on_incident(tx, ctx(), call_taker_, inc.id, domain::incident_action::close, ""); });
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->status, incident_status::closed);
  // Nothing moves on a closed incident.
  auto late = run<std::vector<domain::dispatch>>(
      [&](auto& tx) { return add_dispatches(tx, ctx(), call_taker_, inc.id, {pln_}, false); });
  EXPECT_FALSE(late.has_value());

  auto events = *store_->reader().events_of_incident(inc.id);
  std::vector<std::string> kinds;
  for (const auto& e : events) kinds.push_back(e.kind);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "incident.status_changed"), 3);  // dispatched, in_progress, resolved
  EXPECT_EQ(kinds.back(), "incident.closed");
}

TEST_F(incident_service_test, a_location_without_a_district_gets_the_district_it_lies_in) {
  // d1 (Sirimau) has only a centre here: the nearest centre within 25 km decides.
  ASSERT_TRUE(store_->write([&](storage::store_txn& tx) -> core::result<void> {
    return tx.insert_district(domain::district{"d2", "j1", "81.71.03", "Baguala", domain::geo_point{-3.64, 128.24}, ""});
  }));
  auto report_at = [&](domain::geo_point p, std::optional<std::string> district) {
    new_report r;
    r.description = "Pohon tumbang";
    r.location = p;
    r.district_id = std::move(district);
    return run<domain::report>([&](auto& tx) { return create_report(tx, ctx(), call_taker_, r); });
  };
  auto near_d1 = report_at({-3.695, 128.185}, std::nullopt);
  ASSERT_TRUE(near_d1.has_value()) << near_d1.error().message;
  EXPECT_EQ(near_d1->district_id, std::optional<std::string>{"d1"});
  auto near_d2 = report_at({-3.636, 128.245}, std::nullopt);
  ASSERT_TRUE(near_d2.has_value());
  EXPECT_EQ(near_d2->district_id, std::optional<std::string>{"d2"});
  // A district given is kept even where another is nearer; far from every district, none.
  auto given = report_at({-3.636, 128.245}, "d1");
  ASSERT_TRUE(given.has_value());
  EXPECT_EQ(given->district_id, std::optional<std::string>{"d1"});
  auto far = report_at({-6.2, 106.8}, std::nullopt);
  ASSERT_TRUE(far.has_value());
  EXPECT_EQ(far->district_id, std::nullopt);

  new_incident in;
  in.category_id = fire_;
  in.location = domain::geo_point{-3.637, 128.241};
  auto inc = run<domain::incident>([&](auto& tx) { return create_incident(tx, ctx(), call_taker_, in); });
  ASSERT_TRUE(inc.has_value()) << inc.error().message;
  EXPECT_EQ(inc->district_id, std::optional<std::string>{"d2"});
  EXPECT_EQ(store_->reader().find_incident("j1", inc->id)->value().district_id, std::optional<std::string>{"d2"});
}

TEST_F(incident_service_test, repeat_reports_join_one_incident) {
  auto report = [&](const std::string& text) {
    new_report r;
    r.description = text;
    r.category_id = fire_;
    r.district_id = "d1";
    return run<domain::report>([&](auto& tx) { return create_report(tx, ctx(), call_taker_, r); });
  };
  auto first = report("Api di pasar");
  auto second = report("Asap hitam di pasar");
  ASSERT_TRUE(first && second);
  EXPECT_NE(first->tracking_code, second->tracking_code);
  auto inc = run<domain::incident>(
      [&](auto& tx) { return accept_report(tx, ctx(), call_taker_, first->id, std::nullopt, new_incident{}); });
  ASSERT_TRUE(inc.has_value()) << inc.error().message;
  EXPECT_EQ(inc->district_id, std::optional<std::string>{"d1"});
  EXPECT_EQ(inc->description, "Api di pasar");
  auto linked = run<domain::incident>(
      [&](auto& tx) { return accept_report(tx, ctx(), call_taker_, second->id, inc->id, new_incident{}); });
  ASSERT_TRUE(linked.has_value());
  EXPECT_EQ(store_->reader().reports_of_incident(inc->id)->size(), 2u);
  auto twice = run<domain::incident>(
      [&](auto& tx) { return accept_report(tx, ctx(), call_taker_, second->id, inc->id, new_incident{}); });
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code, core::errc::conflict);
  // Operators and leaders do not take reports.
  new_report r;
  r.description = "x";
  auto by_operator = run<domain::report>([&](auto& tx) { return create_report(tx, ctx(), operator_, r); });
  EXPECT_EQ(by_operator.error().code, core::errc::forbidden);
}

// Photos (media_service.hpp), on the same fixture: an incident with its dispatches.
TEST_F(incident_service_test, photos_attach_to_active_dispatches_of_the_actors_agency_with_their_event) {
  auto inc = fire_incident();
  auto of = [&](const std::string& agency) { return dispatch_of(inc.id, agency); };
  const std::string png = "\x89PNG\r\n\x1A\nIHDR";
  auto attach = [&](const actor& who, const std::string& dispatch, std::string type, std::string bytes) {
    return run<domain::media>([&](auto& tx) { return attach_media(tx, ctx(), who, dispatch, {type, bytes, ""}); });
  };
  auto code = [](const core::result<domain::media>& r) {
    return r ? std::string("ok") : std::string(core::to_string(r.error().code));
  };
  auto media_count = [&] { return store_->reader().media_of_incident(inc.id)->size(); };

  auto m = attach(operator_, of(damkar_), "image/png", png);
  ASSERT_TRUE(m.has_value()) << m.error().message;
  EXPECT_EQ(m->incident_id, inc.id);
  EXPECT_EQ(m->dispatch_id, std::optional<std::string>(of(damkar_)));
  EXPECT_EQ(m->content_type, "image/png");
  EXPECT_EQ(m->size, static_cast<std::int64_t>(png.size()));
  EXPECT_EQ(m->sha256, domain::sha256_hex(png));
  EXPECT_EQ(m->uploaded_by, "u-op");
  EXPECT_EQ(store_->reader().media_bytes("j1", m->id).value(), std::optional<std::string>(png));
  auto events = *store_->reader().events_of_incident(inc.id);
  ASSERT_EQ(events.back().kind, "dispatch.media_attached");
  EXPECT_EQ(events.back().agency_id, std::optional<std::string>(damkar_));
  EXPECT_NE(events.back().payload_json.find(m->id), std::string::npos);

  // Refused without a trace: another agency's dispatch, a leader, a wrong or lying type, no
  // bytes, too many bytes, an unknown dispatch.
  auto before_events = event_count();
  auto before_media = media_count();
  EXPECT_EQ(code(attach(operator_, of(pln_), "image/png", png)), "not_found");
  actor leader{"u-l", "j1", domain::role::leader, std::nullopt, "Walikota"};
  EXPECT_EQ(code(attach(leader, of(damkar_), "image/png", png)), "forbidden");
  EXPECT_EQ(code(attach(operator_, of(damkar_), "image/gif", "GIF89a")), "unsupported_media_type");
  EXPECT_EQ(code(attach(operator_, of(damkar_), "image/jpeg", png)), "unsupported_media_type");
  EXPECT_EQ(code(attach(operator_, of(damkar_), "image/png", "<svg/>")), "unsupported_media_type");
  EXPECT_EQ(code(attach(operator_, of(damkar_), "image/png", "")), "invalid_input");
  EXPECT_EQ(code(attach(operator_, of(damkar_), "image/png", png + std::string(max_media_bytes, 'x'))),
            "payload_too_large");
  EXPECT_EQ(code(attach(operator_, "no-such-dispatch", "image/png", png)), "not_found");
  EXPECT_EQ(event_count(), before_events);
  EXPECT_EQ(media_count(), before_media);

  // A dispatcher may attach too, also to PLN's dispatch.
  EXPECT_EQ(code(attach(call_taker_, of(pln_), "image/png", png)), "ok");

  // Who sees them: the dispatch's agency and the readers; another agency does not.
  actor pln_operator{"u-pln", "j1", domain::role::agency_operator, pln_, "Operator PLN"};
  EXPECT_TRUE(visible_media(store_->reader(), operator_, m->id).has_value());
  EXPECT_TRUE(visible_media(store_->reader(), leader, m->id).has_value());
  EXPECT_TRUE(visible_media(store_->reader(), call_taker_, m->id).has_value());
  auto hidden = visible_media(store_->reader(), pln_operator, m->id);
  ASSERT_FALSE(hidden.has_value());
  EXPECT_EQ(hidden.error().code, core::errc::not_found);
  actor elsewhere{"u-x", "j2", domain::role::supervisor, std::nullopt, "Lain"};
  EXPECT_EQ(visible_media(store_->reader(), elsewhere, m->id).error().code, core::errc::not_found);

  // Once the dispatch is completed, or declined, photos are no longer attached to it.
  ASSERT_TRUE(run<domain::dispatch>([&](auto& tx) {
    return move_dispatch(tx, ctx(), call_taker_, of(pln_), dispatch_status::declined, "Tidak ada petugas");
  }));
  EXPECT_EQ(code(attach(call_taker_, of(pln_), "image/png", png)), "conflict");
}

TEST_F(incident_service_test, a_dispatch_takes_a_bounded_number_of_photos) {
  auto dispatch = dispatch_of(fire_incident().id, damkar_);
  const std::string jpeg = "\xFF\xD8\xFF\xE0";
  auto attach = [&] {
    return run<domain::media>(
        [&](auto& tx) { return attach_media(tx, ctx(), call_taker_, dispatch, {"image/jpeg", jpeg, ""}); });
  };
  for (std::size_t i = 0; i < max_media_per_dispatch; ++i) ASSERT_TRUE(attach().has_value());
  auto one_more = attach();
  ASSERT_FALSE(one_more.has_value());
  EXPECT_EQ(one_more.error().code, core::errc::conflict);
}

TEST_F(incident_service_test, an_operator_sees_only_incidents_and_dispatches_of_its_agency) {
  auto fire = fire_incident();
  auto& rd = store_->reader();
  // The call taker sees both dispatches; Damkar's operator its own only, PLN's operator its own.
  auto all = visible_incident(rd, call_taker_, fire.id);
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->dispatches.size(), 2u);
  auto mine = visible_incident(rd, operator_, fire.id);
  ASSERT_TRUE(mine) << mine.error().message;
  ASSERT_EQ(mine->dispatches.size(), 1u);
  EXPECT_EQ(mine->dispatches[0].agency_id, damkar_);

  // An agency with no dispatch on it does not see that the incident exists.
  auto dinkes = make_agency("DINKES", domain::agency_kind::health);
  actor outsider{"u-dk", "j1", domain::role::agency_operator, dinkes, "Operator Dinkes"};
  auto hidden = visible_incident(rd, outsider, fire.id);
  ASSERT_FALSE(hidden);
  EXPECT_EQ(hidden.error().code, core::errc::not_found);
  auto listed = list_incidents_for(rd, outsider, {});
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->total, 0);
  EXPECT_EQ(list_incidents_for(rd, operator_, {})->total, 1);
  EXPECT_EQ(list_incidents_for(rd, call_taker_, {})->total, 1);

  // Asking for another agency's list does not widen an operator's view.
  storage::dispatch_filter other;
  other.agency_id = pln_;
  auto theirs = list_dispatches_for(rd, operator_, other);
  ASSERT_TRUE(theirs);
  ASSERT_EQ(theirs->total, 1);
  EXPECT_EQ(theirs->items[0].agency_id, damkar_);
  auto pln_dispatch = read_dispatch(rd, operator_, dispatch_of(fire.id, pln_));
  EXPECT_FALSE(pln_dispatch);
  EXPECT_TRUE(read_dispatch(rd, operator_, dispatch_of(fire.id, damkar_)));
}

TEST_F(incident_service_test, an_operator_without_an_agency_is_refused_lists_and_sees_no_incident) {
  auto fire = fire_incident();
  auto& rd = store_->reader();
  actor lost{"u-x", "j1", domain::role::agency_operator, std::nullopt, "Tanpa instansi"};
  auto incidents = list_incidents_for(rd, lost, {});
  ASSERT_FALSE(incidents);
  EXPECT_EQ(incidents.error().code, core::errc::forbidden);
  auto dispatches = list_dispatches_for(rd, lost, {});
  ASSERT_FALSE(dispatches);
  EXPECT_EQ(dispatches.error().code, core::errc::forbidden);
  EXPECT_FALSE(visible_incident(rd, lost, fire.id));
}

TEST_F(incident_service_test, the_detail_shows_an_operator_its_events_and_hides_report_events) {
  auto fire = fire_incident();
  auto& rd = store_->reader();
  auto full = read_incident_detail(rd, call_taker_, fire.id);
  ASSERT_TRUE(full) << full.error().message;
  EXPECT_TRUE(full->can_reveal);
  auto op = read_incident_detail(rd, operator_, fire.id);
  ASSERT_TRUE(op) << op.error().message;
  EXPECT_FALSE(op->can_reveal);  // the dispatch does not share the reporter's contact
  EXPECT_LT(op->events.size(), full->events.size());
  for (const auto& e : op->events) {
    EXPECT_NE(e.subject, domain::subject_kind::report) << e.kind;
    if (e.agency_id) {
      EXPECT_EQ(*e.agency_id, damkar_) << e.kind;
    }
  }
  auto timeline = read_incident_events(rd, operator_, fire.id);
  ASSERT_TRUE(timeline);
  EXPECT_EQ(timeline->size(), op->events.size());
  // Another jurisdiction's viewer finds nothing.
  actor elsewhere{"u-z", "j2", domain::role::call_taker, std::nullopt, "Lain"};
  EXPECT_FALSE(read_incident_detail(rd, elsewhere, fire.id));
  EXPECT_FALSE(read_report(rd, elsewhere, "no-such-report"));
}

}  // namespace
}  // namespace siaga::services
