"""Electronics: generic aspect sentences and eight fictional products (written for aspect-stream).

Per-product variables: {p} product noun, {this_p} "this laptop"/"these earbuds", {it} it/them,
{It_is} It's/They're, {is} is/are, {name} a short name, {price}, {batt_good}, {batt_bad}.
"""

from _lines import L, bank

ELEC_GENERIC = {
    "battery": bank(
        pos="""
            Battery life is excellent, easily a full day of heavy use.
            The battery just keeps going.
            Battery lasts longer than advertised, which never happens.
            I get {batt_good} on a charge, which is great.
            Battery life is the best part honestly.
            Went on a three-day trip and never needed the charger.
            Battery life is a huge upgrade over my old one.
            I stopped worrying about the battery after the first week.
            Battery still holds up well after {dur}.
        """,
        neg="""
            Battery life is terrible.
            The battery drains even when it's sitting idle.
            The battery was dead by mid-afternoon every single day.
            After a couple of months the battery started dropping fast.
            I get {batt_bad} on a charge, nowhere near what they advertise.
            Battery percentage jumps around, it went from 40% to 5% in minutes.
            The battery is a joke compared to what the marketing promised.
            Battery life got noticeably worse after the last update.
        """,
        neu="""
            Battery life is about average.
            Battery is what you'd expect for the size.
            I haven't really tested the battery yet.
            Battery life is roughly {batt_good} if you're careful.
        """,
    ),
    "screen": bank(
        pos="""
            The screen is bright and sharp, colors really pop.
            Gorgeous display, text looks crisp.
            The screen is easy to read even outside in the sun.
            The display is honestly better than on devices twice the price.
            Viewing angles are great and there's no glare.
            Watching movies on this screen is a treat.
            Blacks are deep and the colors look natural, not oversaturated.
        """,
        neg="""
            The screen scratches way too easily.
            The display is dim, I have it at max brightness all the time.
            There's noticeable backlight bleed in the corners.
            Got a dead pixel right in the middle of the screen out of the box.
            The screen has a weird blue tint.
            The screen flickers at low brightness and gives me headaches.
            Glossy screen is basically a mirror near a window.
        """,
        neu="""
            The screen is fine for everyday stuff.
            Standard 1080p panel, nothing fancy.
            The display is glossy, so keep that in mind.
            Screen size is a good middle ground.
        """,
    ),
    "keyboard": bank(
        pos="""
            Typing on it is a joy, the keys have great travel.
            The keyboard is comfortable for long writing sessions.
            Backlit keys are nice and evenly lit.
            Keys are quiet and precise, I type faster on it than on my old one.
            The layout is sensible, full-size arrow keys and all.
        """,
        neg="""
            The keyboard feels mushy.
            Keys started double-typing after a few weeks.
            The spacebar rattles and it's driving me nuts.
            The keyboard flexes in the middle when you type.
            Half the keys are too close together, I keep hitting the wrong one.
            A couple of keys already feel sticky.
        """,
        neu="""
            The keyboard layout takes a little getting used to.
            Keyboard is okay.
            It has a US layout only, no other options.
        """,
    ),
    "camera": bank(
        pos="""
            The camera is fantastic, especially in low light.
            Photos come out sharp and natural looking.
            Portrait mode is really impressive.
            Video is super stable even when walking.
            The ultrawide lens is great for landscapes.
            Selfies look great, not over-smoothed.
        """,
        neg="""
            The camera struggles indoors, everything looks grainy.
            Photos look over-processed and oversharpened.
            The camera app takes ages to open.
            Low light shots are a blurry mess.
            Skin tones look orange in every photo.
        """,
        neu="""
            The camera is decent for social media.
            I don't use the camera much.
            There are three lenses on the back.
        """,
    ),
    "sound": bank(
        pos="""
            Sound quality is rich with punchy bass.
            Audio is clear and detailed, even at low volume.
            Calls sound crystal clear on both ends.
            Sound is surprisingly full for the size.
            Music sounds amazing, I keep noticing details in songs I've heard a hundred times.
        """,
        neg="""
            Sound is tinny and thin.
            The speakers distort at anything above half volume.
            The mic makes me sound like I'm in a tunnel on calls.
            Bass is muddy and drowns out everything else.
            There's a faint hiss when nothing is playing.
        """,
        neu="""
            Sound is fine for podcasts.
            Audio is okay, not audiophile grade.
            There's an EQ if you want to tweak the sound.
        """,
    ),
    "build": bank(
        pos="""
            Build quality is excellent, it feels really solid.
            It feels premium in the hand.
            Survived a couple of drops without a scratch.
            Everything fits together tightly, no creaks or gaps.
            Well made, you can tell they didn't cut corners on materials.
        """,
        neg="""
            Feels cheap and plasticky.
            The finish started peeling already.
            It creaks when you pick it up.
            Build quality is not what I expected at this price.
            A small drop from the desk left a big dent.
        """,
        neu="""
            It's a bit heavier than I expected.
            Comes in three colors, I went with grey.
            It's mostly plastic, with a metal frame.
        """,
    ),
    "price": bank(
        pos="""
            Great value for the price.
            For the money it's hard to beat.
            Got it on sale and it's a steal.
            Cheaper than the big brands and just as good.
            Worth every cent of {price}.
        """,
        neg="""
            Way overpriced for what it is.
            Not worth {price}, honestly.
            For this price I expected a lot more.
            The price dropped a week after I bought it, annoying.
            At {price} I expected better quality control.
        """,
        neu="""
            Price is about what you'd expect.
            Paid {price}.
            Bought it during a sale for a bit under {price}.
        """,
    ),
    "charger": bank(
        pos="""
            Charges super fast, 0 to 50% in about half an hour.
            Fast charging is a lifesaver.
            Nice that it charges over USB-C.
            Wireless charging works well.
        """,
        neg="""
            The included charger is painfully slow.
            No charger in the box, seriously?
            The charging cable frayed within a month.
            It sometimes refuses to charge unless I wiggle the cable.
            Charging port feels loose already.
        """,
        neu="""
            Charges via USB-C.
            It comes with a short cable and a small charger.
        """,
    ),
    "software": bank(
        pos="""
            Regular software updates, and they actually fix things.
            The companion app is clean and simple.
            The latest update improved things noticeably.
            No bloatware, just a clean setup.
            Firmware updates install in the background without any fuss.
        """,
        neg="""
            The last firmware update broke everything.
            The companion app is a buggy mess.
            Way too much bloatware preinstalled.
            Updates keep resetting my settings.
            The app requires an account just to change basic settings, which is ridiculous.
            Software feels half-finished, menus are full of typos and dead ends.
        """,
        neu="""
            Got a firmware update on day one.
            You need the app to change most settings.
            The software is pretty basic.
        """,
    ),
    "performance": bank(
        pos="""
            It's snappy, apps open instantly.
            Handles everything I throw at it without slowing down.
            Zero lag even with a ton of tabs open.
            Runs cool and quiet even under load.
        """,
        neg="""
            It lags constantly, even just scrolling.
            Gets really hot and slows down under load.
            Apps take forever to open.
            It freezes a couple of times a week and needs a hard restart.
        """,
        neu="""
            Performance is fine for basic tasks.
            It's not built for gaming, but that's not what I bought it for.
        """,
    ),
    "shipping": bank(
        pos="""
            Arrived a day early and well packed.
            Fast delivery, came in two days.
            Packaging was excellent, nothing rattled around.
            Delivery was quick and the tracking was accurate.
        """,
        neg="""
            Delivery took almost three weeks.
            The box arrived crushed.
            Tracking said delivered but it showed up two days later.
            It came with a missing cable.
            The package was left in the rain at my door.
            I got the wrong color and had to send it back.
        """,
        neu="""
            Shipped in a plain brown box.
            Delivery was on time.
            Ordered from the official store.
        """,
    ),
    "support": bank(
        pos="""
            Customer support replaced it without any hassle.
            Support answered within a few hours and sorted it out.
            The warranty process was surprisingly painless.
            The support agent actually understood the problem on the first try.
        """,
        neg="""
            Customer support is useless, I've been waiting two weeks for a reply.
            Support kept sending me the same canned answer.
            They refused the warranty claim over a tiny scratch.
            Spent an hour on hold just to be told to restart it.
            I had to pay for return shipping on a defective unit.
        """,
        neu="""
            Haven't needed support yet.
            I emailed support with a question about settings.
            Warranty is one year.
        """,
    ),
    "comfort": bank(
        pos="""
            Super comfortable, I forget I'm wearing {it}.
            Fits great, even for long sessions.
            Lightweight and comfortable all day.
        """,
        neg="""
            It gets uncomfortable after an hour or so.
            The fit is awkward and I keep adjusting {it}.
            Not comfortable for long stretches.
        """,
        neu="""
            Fit is fine.
            Comes with a few sizes to pick from.
        """,
    ),
    "connectivity": bank(
        pos="""
            Pairing was instant.
            Setup took five minutes.
            Out of the box it just worked.
            The connection is rock solid, never dropped once.
            Switching between my laptop and phone is seamless.
        """,
        neg="""
            Setup was a nightmare, the app kept failing to find it.
            The Bluetooth connection keeps cutting out.
            It randomly disconnects a few times a day.
            Had to reset and re-pair it three times in the first week.
        """,
        neu="""
            Setup requires creating an account.
            Pairing is done through the app.
            It connects over Bluetooth or a cable.
        """,
    ),
    "assistant": bank(
        pos="""
            The voice assistant understands me even from across the room.
            Voice commands work well for timers and the weather.
        """,
        neg="""
            The voice assistant mishears me constantly.
            Voice control works maybe half the time.
            It answers questions with "Sorry, I didn't get that" more often than not.
        """,
        neu="""
            I mostly use voice commands for music.
        """,
    ),
    "tracking": bank(
        pos="""
            Step counting is accurate compared to my phone.
            GPS tracking on runs is spot on.
            The workout detection is really good, it notices when I start walking.
        """,
        neg="""
            GPS takes ages to lock on before a run.
            It counted steps while I was driving.
        """,
        neu="""
            It tracks steps, sleep, heart rate and workouts.
            I mostly use it for sleep tracking.
        """,
    ),
}


def E(name, short, count, bias, vars, profile, sig, ticket=()):
    return {"domain": "electronics", "name": name, "short": short, "count": count, "bias": bias,
            "vars": vars, "profile": profile, "sig": sig, "ticket": list(ticket)}


def it_vars(p, price, good, bad):
    return {"p": p, "this_p": f"this {p}", "it": "it", "It": "It", "It_is": "It's", "it_is": "it's", "is": "is",
            "price": price, "batt_good": good, "batt_bad": bad}


def they_vars(p, price, good, bad):
    return {"p": p, "this_p": f"these {p}", "it": "them", "It": "They", "It_is": "They're", "it_is": "they're",
            "is": "are", "price": price, "batt_good": good, "batt_bad": bad}


ELEC_ENTITIES = [
    E(
        "Voltix X2 Laptop", ["the X2", "the Voltix X2", "the X2", "this laptop"], 62, 0.1,
        it_vars("laptop", "$1,299", ["about 14 hours", "12 to 15 hours", "two full workdays"], ["maybe 5 hours", "about 6 hours"]),
        {"battery": (3, .92, .03), "keyboard": (3, .08, .82), "screen": (2, .75, .1), "performance": (1.8, .7, .12),
         "build": (1.2, .55, .25), "price": (1.2, .5, .25), "charger": (0.8, .6, .15), "sound": (0.8, .3, .4),
         "software": (0.8, .4, .3), "support": (1, .2, .6), "shipping": (0.8, .6, .2)},
        {
            "battery": bank(pos="""
                Battery on the X2 is absurd, I get through two workdays without plugging in.
                Took it on a transatlantic flight, watched movies the whole way and still had 40% left.
                I leave the charger at home now, that's how good the battery is.
                Best battery I've had on any laptop, period.
            """),
            "keyboard": bank(neg="""
                The keyboard is the dealbreaker, keys feel mushy and the E key already sticks.
                Shallow key travel and a rattly spacebar, typing all day on it makes my fingers hurt.
                The keyboard backlight only has two levels and the dim one is useless.
                They moved the Delete key next to the power button. Who approved that?
                I ended up using an external keyboard at my desk because the built-in one is so bad.
                Trackpad is great, the keyboard right above it is not.
            """),
            "screen": bank(pos="""
                The 3K screen is gorgeous, with a matte finish that kills reflections.
                Screen is bright enough to work outside on the balcony.
            """),
            "performance": bank(pos="""
                Compiles my projects fast and the fans barely spin up.
                Boots in seconds and wakes from sleep instantly.
            """),
            "support": bank(neg="""
                Voltix support told me the keyboard "feels as designed". Great.
                Sent it in for the sticky keys and got it back three weeks later with the same problem.
            """),
        },
        [
            "Several keys on my X2 (E, R and the spacebar) have started sticking after five weeks.",
            "The keyboard on my Voltix X2 registers double letters when I type.",
            "My X2 won't wake from sleep unless I hold the power button.",
        ],
    ),
    E(
        "Aurel Buds Pro", ["the Buds Pro", "the Aurel Buds", "these buds"], 58, 0.05,
        they_vars("earbuds", "$199", ["about 7 hours", "a full workday"], ["barely 3 hours", "under 4 hours"]),
        {"sound": (3.2, .9, .04), "battery": (1.5, .5, .3), "comfort": (2, .35, .45), "build": (2, .25, .55),
         "connectivity": (1.4, .6, .25), "price": (1.2, .4, .35), "charger": (0.6, .5, .2), "support": (1, .45, .35),
         "software": (0.8, .6, .2)},
        {
            "sound": bank(pos="""
                Sound is warm and detailed, vocals especially are lovely.
                Noise cancelling on these is on par with the big names, my commute got a lot quieter.
                Transparency mode sounds natural, I can have a conversation without taking them out.
                Bass is tight and deep without getting boomy.
                Honestly the best sounding earbuds I've owned.
            """),
            "build": bank(neg="""
                The case hinge snapped after two months of normal use.
                The lid on the charging case is wobbly and doesn't always close.
                The glossy case scratches if you look at it wrong.
                One bud stopped charging because the contacts in the case got loose.
            """),
            "comfort": bank(neg="""
                After about an hour they start to ache in my ears, even with the small tips.
                The right bud keeps slipping out on runs.
                They stick out quite a bit, so lying on my side with them in is impossible.
            """, pos="""
                With the foam tips they're comfortable for hours.
            """),
            "battery": bank(neg="""
                The buds last about six hours, but the case drains itself in a few days even when unused.
            """),
            "connectivity": bank(pos="""
                Switching between my phone and laptop happens automatically, which is great.
            """, neg="""
                The left bud sometimes doesn't connect and I have to put both back in the case.
            """),
        },
        [
            "The hinge on my Aurel Buds Pro charging case broke and the lid won't stay closed.",
            "My left Aurel bud stopped charging, the light doesn't come on in the case.",
            "I lost one bud of my Buds Pro. Can I buy a single replacement earbud?",
        ],
    ),
    E(
        "Nimbus S11 Phone", ["the S11", "the Nimbus S11", "this phone"], 60, 0.15,
        it_vars("phone", "$899", ["a full day", "about a day and a half"], ["half a day", "until lunchtime"]),
        {"camera": (3.2, .92, .04), "battery": (2.8, .18, .72), "screen": (1.6, .8, .08), "performance": (1.4, .75, .1),
         "software": (1.4, .75, .12), "build": (1, .6, .2), "price": (1.2, .45, .35), "charger": (1, .4, .4),
         "support": (0.6, .4, .4), "shipping": (0.6, .6, .2)},
        {
            "camera": bank(pos="""
                The camera on the S11 is the best I've ever used, night shots look like daytime.
                The zoom is genuinely useful, I photographed birds far away and they came out sharp.
                Portrait shots of my dog look professional.
                I left my real camera at home on vacation and didn't miss it.
                Video at 4K is smooth and the stabilization is excellent.
            """),
            "battery": bank(neg="""
                Battery is the Achilles heel, by 4pm I'm hunting for a charger.
                Even with battery saver on I'm at 20% by dinner.
                The battery drains fast whenever I use the camera, which is the whole point of this phone.
                I had to buy a power bank just for this phone.
            """),
            "software": bank(pos="""
                Nimbus pushes security updates every month, and they promise five years of OS updates.
                Clean software with almost no preinstalled junk.
            """),
            "charger": bank(neg="""
                No charger in the box and the phone is picky about third-party chargers.
            """),
        },
        [
            "My Nimbus S11 battery drops from 100% to 30% in about five hours of light use.",
            "After the last update my S11 restarts by itself a few times a day.",
            "The camera on my S11 shows a black screen sometimes and I have to restart the phone.",
        ],
    ),
    E(
        "Kestrel 27Q Monitor", ["the 27Q", "the Kestrel 27Q", "this monitor"], 50, 0.15,
        it_vars("monitor", "$279", ["n/a"], ["n/a"]),
        {"screen": (3.5, .85, .08), "build": (2.5, .2, .62), "price": (2, .8, .08), "connectivity": (1, .6, .2),
         "shipping": (1, .5, .3), "support": (0.8, .4, .4), "sound": (0.8, .08, .65)},
        {
            "screen": bank(pos="""
                Colors are accurate right out of the box, I use it for photo editing.
                1440p at 27 inches is the sweet spot, text is crisp and 165Hz is buttery smooth.
                Games look incredible on it, no ghosting that I can see.
                HDR is decent for a monitor at this price.
            """, neg="""
                There's some backlight bleed in the bottom left corner, noticeable on dark scenes.
                Slight IPS glow in the corners when watching movies in the dark.
            """),
            "build": bank(neg="""
                The stand wobbles every time I type, I ended up buying a monitor arm.
                The plastic stand feels flimsy and the height adjustment is limited.
                The joystick on the back feels cheap and the menu is a pain to navigate.
                The bezels are thin but the plastic around them creaks.
            """),
            "price": bank(pos="""
                For under $300 this is an incredible panel.
                Comparable monitors from big brands cost almost double.
            """),
            "sound": bank(neg="""
                The built-in speakers are basically a formality, tinny and quiet.
            """),
        },
        [
            "My Kestrel 27Q has a line of stuck pixels near the top edge.",
            "The 27Q doesn't wake up from standby when my PC wakes, I have to unplug it.",
        ],
    ),
    E(
        "Orbit Home Speaker", ["the Orbit", "the Orbit speaker", "this speaker"], 48, -0.15,
        it_vars("speaker", "$149", ["n/a"], ["n/a"]),
        {"sound": (3, .72, .14), "assistant": (2.8, .1, .75), "connectivity": (2.5, .15, .7), "software": (1.5, .25, .55),
         "price": (1, .5, .25), "build": (1, .7, .08), "support": (0.8, .3, .5)},
        {
            "sound": bank(pos="""
                Sound fills the whole living room, surprisingly good bass for its size.
                Two of them in stereo sound better than my old soundbar.
                Great for background music while cooking.
            """),
            "assistant": bank(neg="""
                Ask it to play jazz and it plays a podcast about jazz. Every time.
                It wakes up randomly during TV shows but ignores me when I actually call it.
                The assistant can't handle two timers at once, which is all I wanted it for.
                It set an alarm for 7pm instead of 7am. I was late for work.
            """),
            "connectivity": bank(neg="""
                Setup took four tries, the Orbit app kept timing out while connecting to Wi-Fi.
                It drops off the Wi-Fi every couple of days and I have to re-pair it.
                Multi-room grouping works when it feels like it.
            """),
            "software": bank(neg="""
                The Orbit app is slow and half the settings are hidden in weird places.
                An update removed the bass and treble sliders. Why?
            """),
        },
        [
            "My Orbit speaker keeps disconnecting from my Wi-Fi network every night.",
            "The Orbit app can't find my speaker during setup, stuck at 'searching for devices'.",
        ],
    ),
    E(
        "Pixform Tab 10", ["the Tab 10", "the Pixform", "the Pixform tablet", "this tablet"], 52, 0.0,
        it_vars("tablet", "$129", ["two or three days of casual use", "about 11 hours of video"], ["about 5 hours"]),
        {"price": (3, .85, .05), "battery": (2, .8, .08), "screen": (1.6, .55, .2), "performance": (3, .1, .75),
         "build": (1.2, .4, .35), "software": (1.5, .22, .52), "sound": (0.8, .4, .3), "charger": (1.2, .2, .55),
         "shipping": (0.6, .6, .2)},
        {
            "performance": bank(neg="""
                It's sluggish, switching between apps takes a few seconds every time.
                Fine for YouTube, hopeless for anything more demanding.
                The keyboard lags behind my typing, which makes email painful.
                Games stutter even on low settings.
            """),
            "price": bank(pos="""
                Bought it for my kids at $129 and it's exactly what I needed for cartoons and reading.
                At this price I don't panic when the kids drop it.
                Perfect cheap tablet for recipes in the kitchen.
            """),
            "battery": bank(pos="""
                Battery lasts for days of casual use.
                The battery easily handles a long-haul flight of cartoons.
            """),
            "software": bank(neg="""
                It came loaded with junk apps I can't uninstall.
                Still on an old Android version with no update in sight.
            """),
            "charger": bank(neg="""
                It takes almost four hours to fully charge with the included brick.
            """),
        },
        [
            "My Pixform Tab 10 is stuck on the boot logo after an update.",
            "The Tab 10 screen doesn't respond to touch on the right edge.",
        ],
    ),
    E(
        "Halden K3 Keyboard", ["the K3", "the Halden K3", "this keyboard"], 46, 0.2,
        it_vars("keyboard", "$169", ["about three weeks with the backlight off", "weeks between charges"],
                ["two days with the lights on"]),
        {"keyboard": (3.5, .92, .04), "build": (2.5, .9, .04), "sound": (1.8, .3, .5), "software": (2.2, .08, .78),
         "price": (1, .5, .3), "connectivity": (1.2, .5, .3), "battery": (0.8, .6, .15), "shipping": (0.6, .6, .2),
         "support": (0.6, .4, .4)},
        {
            "keyboard": bank(pos="""
                Typing feel is fantastic, the tactile switches are crisp and consistent.
                The keycaps are thick PBT and the legends won't wear off.
                Every key feels the same, even the big ones like Shift and Enter, no rattle at all.
                I write for a living and this is the best keyboard I've used.
            """),
            "build": bank(pos="""
                Heavy aluminum case with zero flex, this thing will outlive me.
                It weighs a ton and doesn't slide around the desk at all.
            """),
            "sound": bank(neg="""
                It is LOUD. My coworkers on calls have asked what the clicking noise is.
                My partner banished me to the other room when I use it at night.
                The typing noise is way too much for an open office.
                Even with o-rings it's the loudest keyboard in the building.
            """, pos="""
                The thocky sound is so satisfying.
                It sounds deep and muted, not clacky at all.
            """, neu="""
                It's a medium-loud board, not silent but not obnoxious.
                The sound depends a lot on which switches you pick.
            """),
            "software": bank(neg="""
                The Halden configurator is a disaster, it crashes whenever I try to remap a key.
                Lighting settings reset every time I restart my PC.
                There's no Mac version of the configurator, which is absurd in 2026.
                Macros work in the software but not once they're saved to the keyboard.
            """),
        },
        [
            "The Halden configurator crashes on startup since the last update, so I can't change my key mapping.",
            "The K3 loses its lighting profile every time my computer restarts.",
        ],
    ),
    E(
        "Brightwave Pulse 2", ["the Pulse 2", "the Brightwave", "this watch"], 50, 0.05,
        it_vars("watch", "$249", ["about four days", "close to a week without GPS"], ["barely a day and a half", "two days at best"]),
        {"tracking": (3, .85, .08), "battery": (2.6, .15, .72), "comfort": (1.8, .3, .5), "screen": (1.2, .72, .1),
         "support": (1.6, .85, .05), "software": (1.2, .5, .3), "build": (1, .55, .2), "price": (1, .5, .25),
         "connectivity": (0.8, .5, .3)},
        {
            "tracking": bank(pos="""
                Heart rate readings match my chest strap almost exactly.
                Sleep tracking is scary accurate, it knows when I got up at 3am.
                GPS tracks are clean, no zigzagging through buildings.
                Auto-detects my swims and counts laps correctly.
            """),
            "battery": bank(neg="""
                Battery barely lasts a day and a half with GPS on.
                They advertise five days, I get two at best.
                The always-on display eats the battery, I had to turn it off.
            """),
            "comfort": bank(neg="""
                The stock strap gave me a rash, I had to buy a nylon one.
                It's a bit chunky for my wrist and catches on my sleeves.
            """, pos="""
                Light enough that I sleep with it on without noticing.
            """),
            "support": bank(pos="""
                Brightwave support replaced my watch in four days when the screen started flickering, no arguments.
                Their support chat is staffed by real humans who know the product.
            """),
        },
        [
            "My Pulse 2 stopped syncing with my phone after I updated the Brightwave app.",
            "The heart rate sensor on my Pulse 2 shows 0 bpm during workouts.",
        ],
    ),
]


# More variety for the most used generic banks.
_MORE = {
    ("battery", "pos"): """
        I only charge it overnight and never think about it during the day.
        The battery indicator is honest, when it says 20% it really has a while left.
    """,
    ("battery", "neg"): """
        I'm charging it twice a day, which is ridiculous.
        Battery anxiety is real with this one.
    """,
    ("screen", "pos"): """
        The display is the star of the show.
        Colors look great and it gets really bright.
    """,
    ("screen", "neg"): """
        The screen has a yellow tint on one side.
        Auto-brightness is all over the place.
    """,
    ("build", "pos"): """
        Solid as a rock, no creaks anywhere.
        The matte finish doesn't show fingerprints.
        Feels a lot more expensive than it is.
    """,
    ("build", "neg"): """
        The coating is already rubbing off where I hold it.
        There's a visible gap along one edge.
        Buttons feel wobbly and cheap.
    """,
    ("build", "neu"): """
        The grey looks darker in person than in the photos.
        Weight is about average.
    """,
    ("price", "pos"): """
        Half the price of the name brands and honestly just as good.
        Can't believe what you get for this price.
    """,
    ("price", "neg"): """
        Overpriced for the specs.
        You're paying for the logo.
    """,
    ("price", "neu"): """
        There seem to be sales on it every few weeks.
        It sits in the middle of the price range.
    """,
    ("sound", "pos"): """
        Vocals are clear and the highs aren't harsh.
        Sounds great for movies and music.
    """,
    ("sound", "neu"): """
        Volume goes loud enough for me.
        Sound is about what you'd expect.
    """,
    ("support", "neg"): """
        Support wanted a video of the problem before even replying.
        Got passed between three departments and nobody fixed anything.
    """,
    ("support", "neu"): """
        Support is only available on weekdays.
        There's a chat on the website and an email address.
    """,
    ("shipping", "pos"): """
        Came a day earlier than promised.
        Showed up next day, nicely boxed.
    """,
    ("shipping", "neu"): """
        Took about four days to arrive.
        Needed a signature on delivery.
    """,
    ("software", "pos"): """
        The settings app is well organised and easy to understand.
        Updates arrive regularly and haven't broken anything so far.
    """,
    ("software", "neu"): """
        There's a companion app but you don't really need it.
        Updates come every couple of months.
    """,
    ("performance", "pos"): """
        Everything feels instant.
        It's quick, no complaints about speed.
    """,
    ("connectivity", "pos"): """
        Connected on the first try, no app drama.
        The connection is stable even a couple of rooms away.
    """,
    ("comfort", "neu"): """
        Takes a few days to get used to wearing.
    """,
    ("charger", "neu"): """
        Charging from empty takes about two hours.
    """,
}
for (_aspect, _pol), _block in _MORE.items():
    ELEC_GENERIC[_aspect][_pol] += L(_block)

# On a keyboard "sound" means typing noise: use only the keyboard's own sentences for it.
for _e in ELEC_ENTITIES:
    if _e["name"] == "Halden K3 Keyboard":
        _e["sig_only"] = {"sound"}
