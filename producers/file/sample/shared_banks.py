"""Openers, closers, no-aspect texts, support tickets, emoji and the hand-written
non-English reviews of the aspect-stream sample corpus (all written for aspect-stream)."""

from _lines import L

VARS = {
    "restaurants": {
        "occasion": ["my mom's birthday", "our anniversary", "a work lunch", "a friend's going-away dinner",
                     "a first date", "brunch with friends", "a quick weeknight dinner", "my sister's graduation",
                     "a team dinner", "a rainy Sunday lunch"],
        "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
        "n": ["three", "four", "five", "six", "eight", "ten"],
        "money": ["$45", "$60", "$75", "$90", "$120", "$150", "$180"],
        "dur": ["a few months", "about a year", "years", "two years", "since they opened"],
    },
    "electronics": {
        "dur": ["two weeks", "a month", "three months", "about half a year", "a year", "six weeks", "ten days",
                "eight months"],
        "old": ["a five-year-old model", "a much cheaper one", "a hand-me-down", "the previous generation"],
    },
    "apps": {
        "dur": ["two weeks", "a month", "three months", "about half a year", "a year", "two years", "six weeks"],
        "phone": ["my iPhone", "my Android phone", "my Nimbus S11", "an older Android phone", "my iPad",
                  "a Pixform Tab 10"],
    },
}

OPENERS = {
    "restaurants": L("""
        Came here for {occasion}.
        We went on a {day} night.
        Stopped in for a quick lunch.
        First time at {e}.
        I've been coming to {e} for {dur}.
        Went with a group of {n}.
        Finally tried {e} after hearing about it from friends.
        Date night at {e}.
        Visited while in town for work.
        Second visit, this time for {occasion}.
        Walked in without a booking on a {day} evening.
        We were a party of {n} for {occasion}.
        My coworkers dragged me here for {occasion}.
        Popped in around 2pm when it was quiet.
        Tried {e} because it was the only place open late.
        Long review, sorry.
        Update to my earlier review.
        Local here, been meaning to write this for a while.
        Booked a table for {n} on {day}.
        We had a voucher so figured we'd try {e}.
        Grabbed a late dinner at {e} after a show.
        Came in on a {day} around lunchtime.
        My partner picked {e} for {occasion}.
        Third time here.
        We were walking past and the smell pulled us in.
        Quick lunch with a colleague.
    """),
    "electronics": L("""
        Bought {this_p} {dur} ago.
        I've had {this_p} for {dur} now.
        Upgraded from {old}.
        Got {this_p} as a gift.
        Bought it mainly for work.
        Ordered from the official store.
        Using it daily for {dur}.
        Long-term review after {dur}.
        I did a lot of research before picking {this_p}.
        Replaced {old} with {this_p}.
        I returned another brand before settling on {this_p}.
        Quick review after {dur} of use.
        My second {p} from this brand.
        Bought {this_p} on sale.
        Picked {this_p} up after reading a bunch of reviews.
        Writing this after {dur} of daily use.
        I use {this_p} for work and some gaming.
        Bought two, one for me and one for my partner.
        This replaced {old} that finally died.
        Got {this_p} for my birthday.
    """),
    "apps": L("""
        Been using {app} for {dur}.
        Switched from another app.
        Downloaded this after a friend recommended it.
        Using it on {phone}.
        Long time user here.
        Trying out the free version.
        Paid user for {dur}.
        Editing my review after {dur}.
        Installed {app} {dur} ago.
        Came back to {app} after trying a couple of alternatives.
        I use {app} every day.
        Updating my rating after the latest version.
        Been on premium for {dur}.
        First review I've ever written for an app.
        A coworker recommended {app}.
        Gave {app} a fair try for {dur}.
        Honest review after {dur}.
        Using {app} on {phone} and my laptop.
        Downloaded {app} after seeing an ad.
    """),
}

CLOSERS = {
    "any": {
        "pos": L("""
            Highly recommend.
            Can't recommend it enough.
            Five stars.
            10/10.
            No regrets.
            Really happy overall.
            Love it.
            Thumbs up from me.
            Very happy customer.
            Would recommend to anyone.
        """),
        "neg": L("""
            Really disappointed.
            Avoid.
            Not again.
            Save your money.
            Very disappointing.
            Two stars and that's generous.
            Expected much better.
            Not recommended.
        """),
        "mix": L("""
            Mixed feelings.
            Good but not great.
            Three stars for now.
            Overall decent, but there's room for improvement.
            It's fine, I guess.
            Could be great with a few fixes.
            It's okay overall.
            Not bad, not amazing.
            On the fence.
        """),
    },
    "restaurants": {
        "pos": L("""
            Will definitely be back.
            Already planning our next visit.
            Our new favorite spot.
            Worth the trip across town.
            Book ahead, it fills up.
            We'll be regulars.
        """),
        "neg": L("""
            Won't be back.
            There are better places on the same street.
            Not worth the hype.
            We won't be returning.
            Management needs to take a look at this.
        """),
        "mix": L("""
            Would go back, but only for the food.
            Maybe I'll give it another chance.
            Go on a weekday if you can.
            Fine for a quick bite, not for a special occasion.
            Hit or miss.
        """),
    },
    "electronics": {
        "pos": L("""
            Would buy again.
            Best purchase I've made this year.
            Keeper.
            Already recommended it to two friends.
            Money well spent.
        """),
        "neg": L("""
            Returning it.
            Sent it back for a refund.
            Wouldn't buy again.
            Look elsewhere.
            Regret buying it.
        """),
        "mix": L("""
            Would be five stars if they fixed that.
            Good product with one big flaw.
            Keeping it, but with reservations.
            Decent, but shop around first.
            Not sure I'd buy it again.
        """),
    },
    "apps": {
        "pos": L("""
            Best app in its category.
            Worth the download.
            Keep up the good work, devs!
            Can't imagine my day without it.
            Instant recommend.
        """),
        "neg": L("""
            Uninstalled.
            Deleting my account.
            Going back to my old app.
            Fix this please.
            One star until this is fixed.
        """),
        "mix": L("""
            Please fix this and I'll give five stars.
            Almost there.
            Good app, but it needs polish.
            Will update my rating if it improves.
            So close to being great.
        """),
    },
}

HEADLINES = {
    "pos": L("""
        Love it!
        Great spot.
        Solid.
        So good!
        Exceeded expectations.
        Pleasantly surprised.
        Impressed.
    """),
    "neg": L("""
        Disappointed.
        Ugh.
        Not great.
        What a letdown.
        Frustrating.
        Meh.
    """),
    "mix": L("""
        Mixed feelings.
        Almost perfect.
        Good, not great.
        Hmm.
        Decent.
    """),
}

NO_ASPECT = {
    "any": {
        "pos": L("""
            Love it!
            Great!!!
            Nothing to add, it's great.
            Exactly what I wanted.
            Really happy with it.
            Perfect.
        """),
        "neg": L("""
            Would not recommend.
            Worst experience ever.
            Not what I expected at all.
            Nope.
            Very disappointing.
        """),
        "neu": L("""
            Meh.
            It's okay I guess.
            Fine.
            ok
            Does the job.
            Not bad, not great.
            No strong feelings either way.
            Hmm. Mixed bag.
        """),
    },
    "restaurants": {
        "pos": L("""
            {e} never disappoints.
            Came back a second time, still great.
            Our go-to place for {occasion}.
            Been coming to {e} for {dur} and it's still my favorite.
            Everything about tonight was lovely, thank you {e}!
        """),
        "neg": L("""
            Not sure what the hype about {e} is.
            Used to love {e}. Not anymore.
            Last time at {e}.
        """),
        "neu": L("""
            It's a restaurant. We ate. It was fine.
            Went to {e} for {occasion}.
            Stopped by {e} on the way home.
            Average.
        """),
    },
    "electronics": {
        "pos": L("""
            Exactly as described.
            Does everything I need.
            Great {p}, no complaints.
            Best {p} I've owned.
            Happy with {this_p}.
        """),
        "neg": L("""
            Returned it after two days.
            Not worth it.
            Stay away from {this_p}.
        """),
        "neu": L("""
            As expected.
            It's a {p}. It works.
            Bought it for my dad, he says it's fine.
            Too early to tell.
        """),
    },
    "apps": {
        "pos": L("""
            Love this app!
            {app} is great.
            Use {app} every day, it's perfect.
            Best app ever.
            Does exactly what it says.
        """),
        "neg": L("""
            Garbage.
            Deleted {app}.
            Used to be good.
            Don't bother with {app}.
        """),
        "neu": L("""
            It's an app.
            Haven't used {app} much yet.
            Still figuring it out.
            Fine for now.
        """),
    },
}

TICKETS = {
    "electronics": {
        "greeting": ["Hi,", "Hello,", "Hi team,", "Hello support,", "Good morning,", "Hi there,", "Dear support,"],
        "tech": L("""
            My {name} won't turn on anymore.
            My {p} stopped charging yesterday.
            The {p} gets very hot while charging.
            There's a rattling sound inside my {p} when I tilt it.
            My {p} keeps restarting on its own.
            The Bluetooth connection on my {p} drops every few minutes.
            My {p} froze during a firmware update and now shows a blank screen.
            The power button on my {p} is stuck.
            My {p} won't pair with my new phone.
        """),
        "order": L("""
            My order still hasn't arrived and the tracking hasn't updated in a week.
            The {p} arrived with a cracked corner.
            I received the wrong color.
            The box was missing the charging cable.
            I'd like to return my {p}, it doesn't fit my needs.
            I was charged twice for the same order.
            The package was marked delivered but I never received it.
        """),
        "question": L("""
            Can you tell me how long the warranty on the {p} is?
            Is there a firmware update that fixes the connection problems?
            Do you sell replacement parts for the {p}?
            Is the {p} compatible with a 65W USB-C charger?
        """),
        "detail_order": L("""
            I ordered it {dur} ago.
            The outer box looked fine, the damage was inside.
            I've attached photos of the box and the item.
            I paid for express shipping.
        """),
        "detail_tech": L("""
            I bought it {dur} ago from your online store.
            It's only been used at home and never dropped.
            This started after the latest update.
            It happens every day now.
            I've attached photos of the problem.
            It worked fine for the first couple of weeks.
        """),
        "tried": L("""
            I already tried a factory reset.
            I tried a different cable and outlet, same problem.
            I've restarted it several times.
            I followed the troubleshooting guide on your website but nothing changed.
            I updated to the latest firmware, no difference.
        """),
        "ask_tech": L("""
            Can you send a replacement?
            How do I fix this?
            What are my options under warranty?
            Please help, I need it for work.
            Could you let me know the next steps?
            Is this covered by the warranty?
        """),
        "ask_order": L("""
            I'd like a refund.
            Please advise.
            What are my options?
            Could you look into this?
            Please get back to me as soon as possible.
        """),
        "ref": ["Order #A{n5}", "Order number: {n5}-{n3}", "Serial number: SN{n7}", "Order ref {n5}"],
        "signoff": ["Thanks,", "Thanks in advance.", "Regards", "Best,", "Thank you."],
    },
    "apps": {
        "greeting": ["Hi,", "Hello,", "Hi team,", "Hey,", "Hello support team,", "Hi there,"],
        "tech": L("""
            I can't log in to my account since this morning.
            The app crashes as soon as I open it.
            My data disappeared after I updated the app.
            The app doesn't sync between my phone and tablet anymore.
            I'm not getting any notifications even though they are enabled.
            The app is stuck on the loading screen.
            I get an "unexpected error" every time I try to save.
            The verification code never arrives, so I can't get into my account.
        """),
        "billing": L("""
            I was charged twice for the subscription this month.
            My subscription shows as expired even though I paid.
            I want to cancel my subscription but can't find the option.
            I'd like a refund for the yearly plan, I forgot to cancel the trial.
            I was charged after cancelling my trial.
            The price on my receipt is higher than what the app showed.
        """),
        "question": L("""
            Is there a family plan?
            Please delete my account and all my data.
            Can I use my account on two phones at the same time?
            Is there a web version?
            How do I change the email address on my account?
        """),
        "detail_billing": L("""
            I subscribed through the app store.
            I'm on the yearly plan.
            I've attached a screenshot of my bank statement.
            I've been a paying user for {dur}.
        """),
        "detail_tech": L("""
            I'm using {phone}.
            It started after the last update.
            I've been a paying user for {dur}.
            This is the second time this happened.
            I've attached a screenshot of the error.
        """),
        "tried": L("""
            I already reinstalled the app.
            I've tried restarting my phone.
            I cleared the cache and logged in again, no change.
            I tried on Wi-Fi and mobile data.
            I logged out and back in, same thing.
        """),
        "ask_tech": L("""
            Can you help?
            Please fix this asap.
            Can someone look into this?
            What should I do?
            Is this a known issue?
            Please let me know when it's fixed.
        """),
        "ask_billing": L("""
            I'd like a refund.
            Please look into this charge.
            Please advise.
            Can you sort this out?
            Please cancel it and confirm by email.
        """),
        "ref": ["App version {ver}", "Account email: {mail}", "Order ID: GPA.{n4}-{n4}-{n4}", "Receipt #{n7}"],
        "signoff": ["Thanks", "Thank you!", "Regards", "Cheers", "Thanks in advance"],
    },
}

EMOJI = {
    "pos": ["😍", "👍", "🔥", "😋", "⭐️", "🙌", "❤️", "💯", "😊", "🥰"],
    "neg": ["😡", "👎", "🙄", "😤", "💀", "😞", "🤦‍♀️", "😠"],
    "neu": ["🤷", "🤔", "😐", "🙂", "👌"],
}

# Hand-written reviews in other languages (about 2% of the corpus), to exercise language detection.
FOREIGN = [
    # Spanish
    {"entity": "El Fogón Taquería", "lang": "es", "rating": 4,
     "text": "Los tacos al pastor están buenísimos y son muy baratos, pero el local es demasiado ruidoso."},
    {"entity": "Trattoria Lucca", "lang": "es", "rating": 3,
     "text": "La pasta estaba deliciosa, pero tardaron casi una hora en traernos los platos principales."},
    {"entity": "Aurel Buds Pro", "lang": "es", "rating": 4,
     "text": "El sonido es increíble y la cancelación de ruido funciona muy bien. La tapa del estuche ya se mueve un poco."},
    {"entity": "PocketLedger", "lang": "es", "rating": 4,
     "text": "Muy buena app para controlar mis gastos. La sincronización con el banco falla a veces, eso sí."},
    {"entity": "TrailMate", "lang": "es", "rating": 4,
     "text": "Los mapas sin conexión me salvaron en la montaña. Gasta muchísima batería."},
    {"entity": "Nimbus S11 Phone", "lang": "es", "rating": 3,
     "text": "La cámara es espectacular, sobre todo de noche, pero la batería no aguanta todo el día."},
    {"entity": "FitPulse", "lang": "es", "rating": 1,
     "text": "Demasiados anuncios, uno cada dos ejercicios. La desinstalé."},
    {"entity": "Blue Harbor Sushi", "lang": "es", "rating": 3,
     "text": "Pescado fresquísimo y un servicio muy amable, aunque las porciones son pequeñas para lo que cuesta."},
    # German
    {"entity": "Voltix X2 Laptop", "lang": "de", "rating": 3,
     "text": "Der Akku hält ewig, aber die Tastatur fühlt sich billig und schwammig an."},
    {"entity": "Kestrel 27Q Monitor", "lang": "de", "rating": 4,
     "text": "Tolles Bild und sehr gute Farben für den Preis. Der Standfuß wackelt allerdings bei jedem Tastenanschlag."},
    {"entity": "Lumo Notes", "lang": "de", "rating": 4,
     "text": "Die Synchronisierung funktioniert perfekt und der Dunkelmodus ist super. Die Suche könnte deutlich besser sein."},
    {"entity": "Maison Verdier", "lang": "de", "rating": 3,
     "text": "Sehr gute Weinkarte und schönes Ambiente, aber der Kellner war unfreundlich und die Rechnung gesalzen."},
    {"entity": "Snapcart", "lang": "de", "rating": 1,
     "text": "Die Lieferung kam zwei Stunden zu spät und die Hälfte fehlte. Nie wieder."},
    {"entity": "Halden K3 Keyboard", "lang": "de", "rating": 4,
     "text": "Das Tippgefühl ist großartig und das Gehäuse massiv. Die Software ist leider eine Katastrophe."},
    {"entity": "Smokestack BBQ", "lang": "de", "rating": 5,
     "text": "Riesige Portionen, das Brisket war butterzart. Wir kommen wieder!"},
    # French
    {"entity": "Maison Verdier", "lang": "fr", "rating": 3,
     "text": "Le cadre est charmant et la crème brûlée excellente, mais le service était lent et un peu hautain."},
    {"entity": "The Copper Kettle", "lang": "fr", "rating": 4,
     "text": "Très bon café et pancakes délicieux, mais il faut attendre longtemps le week-end."},
    {"entity": "Calmly", "lang": "fr", "rating": 4,
     "text": "Application apaisante, les méditations sont de qualité. Par contre, je dois me reconnecter après chaque mise à jour."},
    {"entity": "Brightwave Pulse 2", "lang": "fr", "rating": 3,
     "text": "Le suivi du sommeil est précis, mais la batterie tient à peine deux jours."},
    {"entity": "Wayfarer", "lang": "fr", "rating": 1,
     "text": "Des frais cachés au moment de payer, c'est inadmissible. L'application a planté deux fois pendant la réservation."},
    {"entity": "Saffron Lane", "lang": "fr", "rating": 3,
     "text": "Le curry était savoureux, mais la livraison a pris plus d'une heure et le naan était froid."},
    # Korean
    {"entity": "Nimbus S11 Phone", "lang": "ko", "rating": 3,
     "text": "카메라 화질은 정말 좋은데 배터리가 너무 빨리 닳아요."},
    {"entity": "Lingo Loop", "lang": "ko", "rating": 3,
     "text": "재미있게 공부할 수 있어서 좋아요. 그런데 구독료가 너무 비싸고 광고가 많아요."},
    {"entity": "Blue Harbor Sushi", "lang": "ko", "rating": 4,
     "text": "초밥이 신선하고 맛있어요! 다만 가격이 조금 비싸요."},
    {"entity": "Orbit Home Speaker", "lang": "ko", "rating": 2,
     "text": "음질은 괜찮은데 음성 인식이 자주 안 되고 와이파이 연결이 끊겨요."},
]

# Hand-written longer English reviews, added verbatim.
HANDWRITTEN = [
    {"entity": "Trattoria Lucca", "source": "web-review", "rating": 3,
     "text": "I really wanted to love Lucca. We booked for 7:30 on a Saturday and weren't seated until after 8, "
             "with no apology. Once the food arrived it was wonderful: the cacio e pepe was glossy and peppery and the "
             "wild boar ragù tasted like it had been cooking all day. But our server vanished for long stretches, we "
             "had to ask twice for the wine list, and dessert took another half hour. The room is gorgeous and the "
             "tiramisu was worth the wait, barely. Go for the food, bring patience."},
    {"entity": "El Fogón Taquería", "source": "web-review", "rating": 4,
     "text": "Don't judge El Fogón by the outside. It's a tiny, noisy room with plastic chairs and a TV showing "
             "whatever match is on. The tacos al pastor, though, are carved right off the spit and they're the best "
             "in the city. Three tacos, an elote and a horchata came to less than fifteen dollars. Tables could be "
             "cleaner and the line gets long at lunch, but I keep coming back every week."},
    {"entity": "Maison Verdier", "source": "web-review", "rating": 3,
     "text": "Anniversary dinner at Maison Verdier. The room is beautiful, candlelit and intimate, and the "
             "sommelier found us a Burgundy we're still talking about. The duck confit was excellent. Our waiter, "
             "on the other hand, was icy from the moment we sat down and corrected my pronunciation of "
             "“crème brûlée” in front of the table. Call me naïve, but at these prices I expect to feel welcome. "
             "The bill was $270 for two. Stunning food and wine, service that spoils it."},
    {"entity": "The Copper Kettle", "source": "web-review", "rating": 4,
     "text": "Our Sunday ritual. Yes, the wait is long (we've waited over an hour more than once), so put your name "
             "down and go for a walk. Once you're in, it's worth it. The flat white is the best in town, the "
             "pancakes are huge and fluffy, and the staff are the friendliest people I know. Prices have crept up a "
             "little this year. Still our favorite café."},
    {"entity": "Green Bowl Kitchen", "source": "web-review", "rating": 2,
     "text": "I want to like Green Bowl. It's clean, it's fast, and the ingredients are clearly fresh. But $17 for "
             "a bowl that's 80% lettuce, with three cubes of salmon and barely any dressing, just doesn't work for "
             "me. I've tried four different bowls now and they all taste of nothing until you drown them in hot "
             "sauce. The ordering app is great though, I'll give them that."},
    {"entity": "Voltix X2 Laptop", "source": "web-review", "rating": 3,
     "text": "Two months with the X2, mostly for writing and light coding. The battery is unreal: I unplug in the "
             "morning and forget about it until the next afternoon. The screen is sharp and the matte finish is "
             "great outdoors. Then there's the keyboard. The keys are shallow and mushy, the spacebar rattles, and "
             "the E key started sticking in week five. Voltix support said it's within spec. For a laptop aimed at "
             "people who type for a living, that's a strange place to save money. If you use an external keyboard, "
             "it's a great machine."},
    {"entity": "Aurel Buds Pro", "source": "web-review", "rating": 3,
     "text": "Sound-wise these are the best earbuds I've owned. The noise cancelling handles the subway well, and "
             "vocals sound natural. Sadly the case is a weak point: the hinge got loose after six weeks and now the "
             "lid doesn't snap shut, so the buds sometimes don't charge overnight. They also start to hurt my ears "
             "after an hour or so. Support offered a replacement case, which is nice, but it's a design problem."},
    {"entity": "Nimbus S11 Phone", "source": "web-review", "rating": 4,
     "text": "The camera is the reason to buy the S11, and it delivers. Night photos are clean, the 5x zoom is "
             "properly useful and portrait mode finally gets hair right. The screen is lovely and the software is "
             "clean, with monthly updates so far. The battery is the catch. On a heavy camera day I'm at 15% by "
             "late afternoon, and there's no charger in the box. I carry a power bank now. Four stars, and it "
             "would be five with a bigger battery."},
    {"entity": "Orbit Home Speaker", "source": "web-review", "rating": 2,
     "text": "It sounds great. That's where the good news ends. Setup took most of an evening because the app "
             "couldn't find the speaker on my Wi-Fi, and it still drops off the network every few days. The voice "
             "assistant misunderstands about half of what I say, and it once woke up in the middle of a movie to tell "
             "us the weather. I ended up using it as a plain Bluetooth speaker, which is not why I paid $149 for it."},
    {"entity": "PocketLedger", "source": "app-store", "rating": 3,
     "text": "PocketLedger has the nicest design of any budgeting app I've tried, and I love the monthly charts. "
             "The problem is bank sync. My main bank disconnects every few days, and my credit card transactions "
             "arrive late or twice. When your budget is wrong, the pretty charts don't help much. And at $9.99 a "
             "month, I expect the core feature to work. Fix sync and this is an easy five stars."},
    {"entity": "TrailMate", "source": "app-store", "rating": 4,
     "text": "TrailMate has been my hiking companion for a year. The offline maps are excellent and got me off a "
             "ridge in fog when I had zero signal. Route planning with the elevation profile is great for judging "
             "how hard a day will be. Two big complaints: recording a hike eats around 15% of my battery an hour, "
             "and the app crashed once near the end of a long hike and I lost the whole track. I always carry a "
             "power bank now. Still the best hiking app I've used."},
    {"entity": "Snapcart", "source": "app-store", "rating": 1,
     "text": "Third bad order in a row. The delivery window was 4-6pm and it showed up at 8:40, with the frozen "
             "stuff half melted. They replaced my oat milk with chocolate milk (again) and swapped the gluten-free "
             "bread for regular bread, which my daughter can't eat. Support offered a $3 credit after a 40 minute "
             "chat. The app itself is easy to use, but that doesn't matter if the groceries don't arrive right. "
             "Cancelled my delivery pass."},
    {"entity": "Calmly", "source": "app-store", "rating": 4,
     "text": "The content in Calmly is wonderful. The sleep stories knock me out in minutes and the guided "
             "meditations are calm without being cheesy. But every single update logs me out, and last month it "
             "forgot I was a premium member. I emailed support and they fixed it within an hour and added a free "
             "month, which was kind. Great app, please fix login 🙏"},
    {"entity": "FitPulse", "source": "app-store", "rating": 2,
     "text": "Onboarding is genuinely good. It asked the right questions and built a sensible plan. Then the ads "
             "started. A video ad between exercises, another one before you see your stats, and banners everywhere "
             "else. Turn notifications off and it still nags you to \"close your rings\". I get that the free "
             "version needs to make money, but this is too much. The workouts are good, the experience isn't."},
]
