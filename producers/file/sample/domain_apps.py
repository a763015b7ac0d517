"""Apps: generic aspect sentences and eight fictional apps (written for aspect-stream).

Per-app variables: {app} the app's name, {feat} one of its features ({feat_is} agrees with it),
{sub_price} its premium price.
"""

from _lines import L, bank

APP_GENERIC = {
    "ui": bank(
        pos="""
            Clean, intuitive interface.
            The UI is beautiful and easy to navigate.
            Everything is exactly where I'd expect it to be.
            Love the design, it's simple and uncluttered.
            Smooth animations and a really polished look.
            Even my mom figured it out without help.
            The new layout is a big improvement.
        """,
        neg="""
            The interface is cluttered and confusing.
            The redesign made everything harder to find.
            Buttons are tiny and hard to hit.
            Way too many taps to do simple things.
            The text is too small and you can't change the font size.
            Menus are buried three levels deep for no reason.
            The new design looks nice but it's a step backwards in usability.
        """,
        neu="""
            The layout changed in the last update.
            UI is fine.
            It looks like most apps in this category.
            There's a tab bar at the bottom with five sections.
        """,
    ),
    "login": bank(
        pos="""
            Login with Face ID is seamless.
            Sign in with Google works perfectly.
            Logging in on a new phone was painless, everything was there.
        """,
        neg="""
            It logs me out every couple of days.
            I can't log in since the update, it keeps saying "invalid credentials".
            The verification code email never arrives.
            Two-factor login is broken half the time.
            Password reset link expires before the email even shows up.
            Every time I switch phones I have to create a new account, apparently.
        """,
        neu="""
            You need an account to use it.
            Login is via an email link.
            You can sign in with Apple or Google.
        """,
    ),
    "sync": bank(
        pos="""
            Sync between my phone and laptop is instant.
            Syncing works flawlessly across devices.
            Everything syncs in the background without me thinking about it.
            Sync with my watch works perfectly.
        """,
        neg="""
            Sync is unreliable, changes on my tablet never show up on my phone.
            Lost a week of data because sync failed silently.
            Sync keeps getting stuck on "updating".
            It duplicates entries every time it syncs.
            Sync conflicts overwrite my newer changes with old ones.
        """,
        neu="""
            Sync needs a paid plan.
            It syncs over Wi-Fi only by default.
            Syncing can be turned off in settings.
        """,
    ),
    "notifications": bank(
        pos="""
            Notifications are helpful and not overwhelming.
            Reminders arrive right on time.
            I like that I can fine tune which notifications I get.
            The daily reminder is gentle and actually keeps me on track.
        """,
        neg="""
            Way too many notifications, I turned them all off.
            Notifications arrive hours late.
            It keeps spamming me with promo notifications.
            Reminders just stopped working after the update.
            Notifications still come through after I disabled them in the app.
        """,
        neu="""
            You can turn off notifications in settings.
            It sends a daily summary notification.
            Notifications are on by default.
        """,
    ),
    "crashes": bank(
        pos="""
            Never crashed once in months of use.
            Rock solid, no crashes.
            Super stable, even on my old phone.
            The crash I reported last month is fixed now.
        """,
        neg="""
            It crashes every time I open it.
            It crashes randomly, usually right when I'm in the middle of something.
            The app freezes and then closes itself.
            Constant crashes on {phone}.
            Crashes whenever I rotate the screen.
            Since the last update it won't even open, just a white screen.
        """,
        neu="""
            It crashed once but hasn't since.
            Had one freeze in the first week, nothing since.
        """,
    ),
    "subscription": bank(
        pos="""
            The subscription is worth every penny.
            Fair price for what you get.
            The free tier is actually generous.
            Premium is cheap compared to the alternatives.
            I happily pay for premium, the devs deserve it.
        """,
        neg="""
            {sub_price} is way too much for this.
            Basic features are locked behind the paywall.
            Cancelling the subscription is buried five menus deep.
            They charged me after I cancelled the trial.
            The price went up with no warning.
            Constant upsell popups even though I already pay.
            Used to be a one-time purchase, now it's a subscription. No thanks.
        """,
        neu="""
            There's a seven day free trial.
            Premium is {sub_price}.
            There's a yearly plan as well.
            I'm on the free version for now.
        """,
    ),
    "ads": bank(
        pos="""
            No ads, which is refreshing.
            Ads are minimal and unobtrusive.
            The occasional banner ad is fine by me for a free app.
        """,
        neg="""
            Ads every thirty seconds, it's unusable.
            Full-screen video ads after every action.
            The ads are so aggressive I'm uninstalling.
            Even paying users still see ads?
            An ad popped up and the close button was hidden in the corner.
        """,
        neu="""
            The free version has ads.
            There's a banner ad at the bottom of the screen.
        """,
    ),
    "onboarding": bank(
        pos="""
            The onboarding is short and actually helpful.
            Setup took a minute, very straightforward.
            The tutorial explained everything nicely.
            Getting started was easy, it imported my data in one go.
        """,
        neg="""
            The onboarding asks for way too much personal info.
            Endless setup screens before you can even try it.
            It forces you to pick a plan before you can see anything.
            The tutorial can't be skipped and it's ten screens long.
        """,
        neu="""
            Onboarding asks a few questions about your goals.
            You go through a short setup on first launch.
        """,
    ),
    "dark_mode": bank(
        pos="""
            The dark mode is gorgeous.
            Finally a dark mode! Easy on the eyes at night.
            Love the true black dark mode on OLED.
        """,
        neg="""
            No dark mode in 2026 is wild.
            Dark mode has unreadable grey text on black.
            Dark mode resets every time I open the app.
        """,
        neu="""
            Dark mode follows the system setting.
            There's a dark mode toggle in settings.
        """,
    ),
    "support": bank(
        pos="""
            Support replied within an hour and fixed my issue.
            The support team is friendly and actually helpful.
            Got a refund quickly with no questions asked.
            The developer answered my email personally, love that.
        """,
        neg="""
            Support never replied to my emails.
            Support is a chatbot that goes in circles.
            It took a week to get a canned response.
            Support closed my ticket without fixing anything.
        """,
        neu="""
            I contacted support about an invoice.
            There's a help center with some FAQs.
        """,
    ),
    "performance": bank(
        pos="""
            Fast and responsive.
            It loads instantly.
            Scrolling is smooth even with a lot of data.
        """,
        neg="""
            Painfully slow to load.
            It lags every time I scroll.
            Takes forever to open.
            The app has gotten slower with every update.
        """,
        neu="""
            It's a bit slow on older phones.
            Loading takes a second or two.
        """,
    ),
    "battery_drain": bank(
        pos="""
            Barely touches my battery.
            Battery use is reasonable for what it does.
        """,
        neg="""
            It drains my battery like crazy.
            It eats battery even in the background.
            My phone gets hot whenever it's open.
        """,
        neu="""
            Battery usage is about what you'd expect.
        """,
    ),
    "updates": bank(
        pos="""
            Frequent updates with real improvements.
            The devs listen to feedback and ship fixes fast.
        """,
        neg="""
            Every update breaks something new.
            The latest update removed my favorite feature.
            It hasn't been updated in ages.
        """,
        neu="""
            Got a big update last week.
        """,
    ),
    "features": bank(
        pos="""
            The {feat} {feat_is} super useful.
            I love the {feat}.
            The {feat} {feat_is} the best I've seen in any app like this.
            The {feat} {feat_is} the main reason I use {app}.
            Really well thought out {feat}.
            The {feat} {feat_is} simple and reliable.
        """,
        neg="""
            The {feat} {feat_is} half-baked.
            The {feat} {feat_is} unreliable.
            I wish the {feat} worked better, it feels like an afterthought.
            The {feat} {feat_is} clunky compared to other apps.
            They broke the {feat} in the last update.
        """,
        neu="""
            I mostly use it for the {feat}.
            The {feat} {feat_is} fine.
            The {feat} {feat_is} part of premium.
        """,
    ),
    "fees": bank(
        pos="""
            No surprise fees, the price you see is what you pay.
        """,
        neg="""
            The fees add up fast, the final price is way higher than the listed one.
            There's a service fee on top of everything, and it isn't shown until checkout.
            Hidden fees everywhere.
        """,
        neu="""
            There's a small service fee.
        """,
    ),
    "delivery": bank(
        pos="""
            Deliveries always arrive within the window.
            The driver was lovely and brought everything up to my door.
        """,
        neg="""
            Delivery was two hours late with no update.
            My frozen stuff arrived half thawed.
            Items were missing from the delivery and the app shows them as delivered.
        """,
        neu="""
            Delivery slots are in two-hour windows.
        """,
    ),
}


def A(name, count, bias, vars, profile, sig, ticket=()):
    v = {"app": name, **vars}
    return {"domain": "apps", "name": name, "short": [name], "count": count, "bias": bias,
            "vars": v, "profile": profile, "sig": sig, "ticket": list(ticket)}


APP_ENTITIES = [
    A(
        "PocketLedger", 60, 0.05,
        {"feat": ["budget categories*", "spending reports*", "bill reminders*", "shared budgets*", "savings goals*"],
         "sub_price": ["$9.99 a month", "ten bucks a month"]},
        {"ui": (3, .88, .04), "sync": (3, .12, .72), "subscription": (2.4, .12, .7), "features": (2, .75, .1),
         "notifications": (1, .6, .15), "login": (0.8, .5, .25), "support": (1, .4, .35), "crashes": (0.6, .6, .15),
         "dark_mode": (0.8, .7, .1), "onboarding": (0.8, .75, .1)},
        {
            "ui": bank(pos="""
                PocketLedger is the first budgeting app that doesn't feel like a spreadsheet.
                The monthly overview chart is beautiful and makes it obvious where my money goes.
                Adding a transaction takes two taps, which is why I actually stick with it.
            """),
            "sync": bank(neg="""
                The bank connection breaks every week and I have to re-enter my credentials.
                Transactions from my credit card show up three days late, if at all.
                Bank sync imported the same transactions twice, so my budget is now wrong.
                My credit union isn't supported and the CSV import keeps failing.
                Half my accounts show "connection error" every morning.
            """),
            "subscription": bank(neg="""
                $9.99 a month for a budgeting app is ironic.
                They moved CSV export to the premium tier, which feels like a cash grab.
                I'm trying to save money and this app is one of my bigger subscriptions now.
            """),
        },
        [
            "My bank connection in PocketLedger shows 'reauthorization required' every single day.",
            "I was charged for PocketLedger Premium twice this month.",
            "How do I export all my transactions from PocketLedger to a CSV file?",
        ],
    ),
    A(
        "TrailMate", 56, 0.1,
        {"feat": ["offline maps*", "route planner", "elevation profiles*", "trail reviews*", "live location sharing"],
         "sub_price": ["$4.99 a month", "$35 a year"]},
        {"features": (3.5, .88, .05), "battery_drain": (2.6, .08, .76), "crashes": (2.2, .28, .56), "ui": (1.5, .65, .15),
         "subscription": (1, .5, .3), "sync": (0.8, .5, .25), "notifications": (0.6, .5, .2), "support": (0.8, .4, .3),
         "performance": (1, .5, .3)},
        {
            "features": bank(pos="""
                Offline maps saved me when I lost signal in the mountains.
                Route planning with elevation profiles is genuinely great, I plan every weekend hike with it.
                The trail reviews are detailed and recent, way better than the guidebooks.
                Live location sharing gives my wife peace of mind when I hike alone.
            """),
            "battery_drain": bank(neg="""
                GPS tracking kills my battery, about 15% an hour.
                Had to stop recording halfway up the mountain because my phone was at 10%.
                Bring a power bank if you want to record a full day hike.
            """),
            "crashes": bank(neg="""
                It crashed halfway through a six-hour hike and I lost the whole recording.
                The app freezes when I zoom out on the map too fast.
                It crashes when I try to download a large map region.
            """),
        },
        [
            "TrailMate lost my recorded hike from Saturday when the app crashed. Is there any way to recover it?",
            "Offline map downloads in TrailMate are stuck at 99%.",
        ],
    ),
    A(
        "Snapcart", 56, -0.2,
        {"feat": ["delivery slots*", "substitutions*", "order tracking", "reorder list", "recipe shopping lists*"],
         "sub_price": ["$9.99 a month for the delivery pass", "the $99 yearly pass"]},
        {"delivery": (3, .2, .68), "features": (2.2, .35, .5), "support": (2.4, .12, .72), "ui": (1.6, .62, .15),
         "fees": (1.6, .08, .75), "subscription": (0.8, .4, .4), "notifications": (1, .5, .3), "crashes": (1, .45, .3)},
        {
            "features": bank(neg="""
                They substituted oat milk with chocolate milk. Twice.
                Half my order came with random substitutions I never approved.
                The evening delivery slots are always full by the morning.
                Order tracking shows the driver on the other side of town for an hour.
            """, pos="""
                The reorder list is a real time-saver, my weekly shop takes five minutes now.
                Recipe shopping lists are clever, one tap adds everything to the cart.
            """),
            "delivery": bank(neg="""
                The driver marked it delivered, but it never showed up.
                A 2-4pm delivery window turned into 6:30pm.
                Eggs arrived cracked, again.
            """),
            "support": bank(neg="""
                Snapcart support offered a $2 credit for a missing $30 item. No thanks.
                Getting a refund for missing items means uploading photos and waiting days.
                Support chat disconnects every time I ask for a refund.
            """),
            "fees": bank(neg="""
                Between the service fee, the delivery fee and the "small basket" fee, it's a rip-off.
                Prices in the app are higher than in the actual store, on top of the fees.
            """),
        },
        [
            "My Snapcart order was marked as delivered but nothing arrived. Order placed yesterday evening.",
            "Three items were missing from my Snapcart delivery and I was charged for all of them.",
            "I cancelled my Snapcart delivery pass but was still charged this month.",
        ],
    ),
    A(
        "Lumo Notes", 52, 0.2,
        {"feat": ["search", "tags*", "markdown editor", "web clipper", "handwriting mode"],
         "sub_price": ["$5.99 a month", "$60 a year"]},
        {"sync": (3, .9, .04), "dark_mode": (2, .92, .03), "ui": (2.2, .8, .08), "features": (2.6, .35, .5),
         "subscription": (2, .2, .6), "crashes": (0.8, .75, .1), "performance": (1, .7, .12), "support": (0.8, .55, .15),
         "onboarding": (0.6, .7, .1)},
        {
            "sync": bank(pos="""
                Lumo sync is instant, I write on my laptop and it's on my phone before I pick it up.
                I use it on four devices and it has never lost a single note.
                Even offline edits merge cleanly once I'm back online.
            """),
            "dark_mode": bank(pos="""
                The dark theme is the nicest I've seen in any notes app.
                The sepia and dark themes make writing at night really pleasant.
            """),
            "features": bank(neg="""
                Search is weak, it can't find words inside PDFs and misses half my notes.
                Searching for a tag returns results in random order.
                No nested tags, which makes organizing big notebooks a pain.
                Search is so bad I've started keeping an index note by hand.
            """, pos="""
                The markdown editor is perfect, shortcuts for everything.
                The web clipper grabs articles cleanly without all the ads.
            """),
            "subscription": bank(neg="""
                Great app, but $60 a year for notes is steep.
                Sync being premium-only feels unfair when it's the whole point.
            """),
        },
        [
            "Search in Lumo Notes doesn't find notes that I know contain the word I'm searching for.",
            "Is there a way to export my whole Lumo Notes library as markdown files?",
        ],
    ),
    A(
        "FitPulse", 54, -0.15,
        {"feat": ["workout plans*", "step counter", "calorie log", "video workouts*", "rest timer"],
         "sub_price": ["$12.99 a month", "thirteen bucks a month"]},
        {"onboarding": (2, .85, .05), "ads": (3, .03, .9), "notifications": (2.4, .1, .75), "features": (2.2, .7, .15),
         "ui": (1.2, .5, .25), "subscription": (1.5, .3, .5), "crashes": (1, .5, .25), "sync": (1, .4, .3)},
        {
            "ads": bank(neg="""
                An unskippable 30-second ad in the middle of a set, between push-ups. Really?
                The free version is basically an ad player with some workouts in between.
                Ads for junk food in a fitness app, you can't make this up.
                Every time I finish a workout I have to sit through two ads to see my stats.
            """),
            "notifications": bank(neg="""
                It pings me five times a day to "close my rings", even after I turned reminders off.
                Guilt-trip notifications like "Your body misses you" are just creepy.
            """),
            "onboarding": bank(pos="""
                Onboarding built me a plan for my fitness level in about two minutes.
                I liked that the first workout was a quick assessment instead of throwing me in the deep end.
            """),
            "features": bank(pos="""
                The video workouts are well filmed and the trainers explain form clearly.
                The rest timer between sets is handy.
            """),
        },
        [
            "FitPulse is not syncing my workouts to my watch anymore.",
            "I upgraded to FitPulse premium but I'm still seeing ads.",
        ],
    ),
    A(
        "Lingo Loop", 55, 0.0,
        {"feat": ["daily streaks*", "speaking exercises*", "grammar tips*", "leaderboards*", "story mode"],
         "sub_price": ["$13.99 a month", "Lingo Loop Max"]},
        {"features": (3.2, .8, .1), "ui": (1.8, .75, .1), "subscription": (3, .08, .8), "login": (1.8, .2, .6),
         "notifications": (1.2, .4, .35), "crashes": (0.8, .5, .25), "ads": (1.2, .3, .5), "support": (0.8, .3, .5)},
        {
            "features": bank(pos="""
                The streaks and leaderboards actually keep me practicing every day.
                Speaking exercises are a nice touch, the pronunciation feedback is helpful.
                Story mode is great for listening practice, short and funny dialogues.
                I went from zero to ordering food in Spanish in three months.
            """, neg="""
                The sentences are bizarre, when will I ever need "the owl drinks milk"?
                Grammar is barely explained, it's all guessing until you get it right.
            """),
            "subscription": bank(neg="""
                Every other screen is an upsell for Lingo Loop Max.
                The hearts system is designed to make you pay, you basically can't learn for free.
                $13.99 a month to remove a lives system from a learning app is gross.
            """),
            "login": bank(neg="""
                Lost my 200-day streak because it logged me out and created a new account.
                Sign in with Apple fails every time on my iPad.
                Had to log in three times this week, and each time my progress was gone.
            """),
        },
        [
            "I lost my Lingo Loop streak because the app logged me out. Can you restore it?",
            "Sign in with Apple doesn't work in Lingo Loop on my iPad, it just spins.",
        ],
    ),
    A(
        "Wayfarer", 52, -0.15,
        {"feat": ["price alerts*", "trip planner", "hotel map", "flexible date search", "boarding pass wallet"],
         "sub_price": ["n/a"]},
        {"features": (3, .8, .1), "fees": (2.8, .05, .85), "crashes": (2.4, .2, .65), "ui": (1.4, .6, .2),
         "support": (2, .25, .62), "notifications": (1, .6, .2), "performance": (1, .4, .35), "login": (0.6, .5, .2)},
        {
            "features": bank(pos="""
                Price alerts found me a flight to Lisbon for half the usual price.
                Flexible date search is great for finding cheap weekends away.
                The trip planner pulls all my bookings into one timeline, super handy.
                The hotel map view makes it easy to see what's actually near the old town.
            """),
            "fees": bank(neg="""
                The price jumps by $40 in "service fees" on the last screen.
                Hidden resort fees only shown after you enter your card details.
                The "deal" price never includes taxes, so the real price is always higher.
            """),
            "crashes": bank(neg="""
                The app crashed at the payment step and I got charged twice.
                Checkout froze three times before the booking finally went through.
                It logged me out mid-booking and the fare was gone when I got back in.
            """),
            "support": bank(neg="""
                Wayfarer support keeps telling me to contact the airline, and the airline tells me to contact Wayfarer.
                It took eleven days to get a refund for a cancelled hotel.
            """),
        },
        [
            "The Wayfarer app crashed during payment and I see two charges on my card for the same hotel booking.",
            "My Wayfarer booking confirmation never arrived and the booking doesn't show in the app.",
            "How can I change the name on a flight I booked through Wayfarer?",
        ],
    ),
    A(
        "Calmly", 50, 0.2,
        {"feat": ["sleep stories*", "guided meditations*", "breathing timer", "mood journal", "focus music"],
         "sub_price": ["$69.99 a year", "seventy dollars a year"]},
        {"features": (3.5, .9, .04), "login": (2.6, .08, .72), "support": (2, .8, .08), "ui": (1.6, .8, .07),
         "subscription": (1.4, .45, .35), "notifications": (0.8, .6, .15), "crashes": (0.8, .6, .2),
         "dark_mode": (0.8, .7, .1)},
        {
            "features": bank(pos="""
                The sleep stories work on me every single time, I'm out in ten minutes.
                Guided meditations are calm without being cheesy, the narrators' voices are lovely.
                The breathing timer got me through a panic attack on a plane.
                The mood journal helps me notice patterns in my week.
            """),
            "login": bank(neg="""
                After every update I'm logged out and have to reset my password.
                The app forgot my premium subscription after the last update and asked me to pay again.
                Login loops back to the welcome screen on my tablet.
            """),
            "support": bank(pos="""
                Calmly support restored my subscription within an hour of emailing them.
                Support was kind and patient, they even extended my trial after the login bug.
            """),
        },
        [
            "After updating Calmly I'm logged out and my premium subscription is gone.",
            "The password reset email from Calmly never arrives.",
        ],
    ),
]


# More variety for the most used generic banks.
_MORE = {
    ("ui", "pos"): """
        Nice clean look, nothing unnecessary on screen.
        Easy to use from day one.
        The widgets are great, I barely need to open the app.
        Everything is one or two taps away.
    """,
    ("ui", "neg"): """
        The home screen is a mess of banners and promos.
        The back button doesn't do what you expect half the time.
        Way too much white space, I have to scroll for everything.
    """,
    ("ui", "neu"): """
        The design is pretty basic.
        Settings are in the top right corner.
    """,
    ("crashes", "pos"): """
        Zero crashes since I installed it.
        Stable on both my phone and my tablet.
        Haven't had a single crash since the last update.
    """,
    ("crashes", "neg"): """
        It closes itself when I switch to another app and back.
        Crashes at least once a day for me.
        Can't even finish the setup without it crashing.
    """,
    ("crashes", "neu"): """
        Stable enough, a hiccup here and there.
    """,
    ("subscription", "pos"): """
        The yearly plan works out really cheap.
        Free version does everything I need.
    """,
    ("subscription", "neg"): """
        Everything useful is premium-only.
        The free trial silently turns into a yearly charge.
    """,
    ("subscription", "neu"): """
        You can pay monthly or yearly.
        Premium adds a few extra features.
    """,
    ("support", "pos"): """
        Support got back to me the same day.
        Quick, human replies from support, rare these days.
    """,
    ("support", "neg"): """
        Support just links me to FAQ articles that don't answer my question.
        Still waiting on a reply from support after ten days.
    """,
    ("support", "neu"): """
        Support is email only.
        There's an in-app chat for support.
    """,
    ("notifications", "pos"): """
        Notifications are timely and easy to configure.
        The reminders are well timed, never annoying.
    """,
    ("notifications", "neg"): """
        Getting notified at 6am on a Sunday is not okay.
        The badge count never clears, even after I open everything.
    """,
    ("performance", "pos"): """
        Opens in under a second.
        Snappy even on my old phone.
    """,
    ("sync", "pos"): """
        Sync just works, which is all I want.
        Changes show up on my other devices within seconds.
    """,
    ("sync", "neg"): """
        Sync randomly stops until I log out and back in.
        My tablet and phone show different data half the time.
    """,
    ("dark_mode", "pos"): """
        Dark mode looks great and the contrast is just right.
    """,
    ("dark_mode", "neu"): """
        Dark mode is available.
    """,
    ("features", "pos"): """
        The {feat} {feat_is} a small thing but I use {feat_it} every day.
        The {feat} alone {feat_is} worth the download.
    """,
    ("features", "neg"): """
        The {feat} {feat_is} buggy and slow.
        The {feat} used to be free and {feat_is} now locked behind premium.
    """,
    ("login", "neg"): """
        It asks me to log in again every time I open it.
        Face ID stopped working for login after the update.
    """,
    ("ads", "neg"): """
        More ads than content.
        Ads with sound that blast out of nowhere.
    """,
}
for (_aspect, _pol), _block in _MORE.items():
    APP_GENERIC[_aspect][_pol] += L(_block)
