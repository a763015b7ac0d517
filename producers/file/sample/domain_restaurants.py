"""Restaurants: generic aspect sentences and eight fictional restaurants (written for aspect-stream)."""

from _lines import L, bank

REST_GENERIC = {
    "food": bank(
        pos="""
            The food was outstanding from start to finish.
            Everything we ordered was fresh and full of flavor.
            Honestly some of the best food I've had this year.
            Food came out hot and perfectly seasoned.
            Every plate was well balanced, nothing felt like an afterthought.
            The kitchen clearly knows what it's doing.
            Flavors were bold without being overpowering.
            Really solid cooking, you can tell they use good ingredients.
            Food was delicious, no complaints there.
            The food is the reason to come here, full stop.
            Everything tasted homemade in the best possible way.
            We tried half the menu and there wasn't a single miss.
            The food was so good we ordered a second round.
            Consistently great food, this was my fourth visit and it's never slipped.
            My friend who is super picky cleaned her plate.
        """,
        neg="""
            The food was bland and lukewarm.
            Everything tasted like it had been sitting under a heat lamp.
            Food was underseasoned across the board.
            Honestly the cooking was sloppy tonight.
            My plate was so salty I couldn't finish it.
            The food was forgettable for what it costs.
            Nothing we ordered had much flavor.
            Something was off with the food this time, it used to be better.
            The food looked nothing like the photos on the menu.
            Half our order came out cold.
            I got food poisoning the next day, not sure it was from here but I'm not risking it again.
            Way too much oil in everything.
        """,
        neu="""
            The food was fine, nothing special either way.
            Food was about what you'd expect for this kind of place.
            The menu is pretty short, maybe a dozen mains.
            They change the menu every season.
            Food was okay.
            The menu has a few vegetarian options marked.
            It's comfort food, not fine dining.
            We mostly came for drinks and had a couple of small plates.
        """,
    ),
    "dish": bank(
        pos="""
            The {dish} {dish_was} incredible.
            Get the {dish}. Trust me.
            The {dish} alone {dish_is} worth the trip.
            I'm still thinking about the {dish}.
            The {dish} {dish_was} cooked perfectly.
            My partner ordered the {dish} and wouldn't share, which says it all.
            Loved the {dish}, generous and packed with flavor.
            The {dish} {dish_was} the highlight of the night.
            Whatever they put in the {dish}, I want the recipe.
            The {dish} {dish_was} spot on, I'd come back just for {dish_it}.
            Had the {dish} again and {dish_it} never disappoints.
            First bite of the {dish} and the table went quiet.
        """,
        neg="""
            The {dish} {dish_was} dry and overcooked.
            The {dish} {dish_was} a letdown, way too greasy.
            I sent the {dish} back because {dish_it} came out cold in the middle.
            Skip the {dish}, {dish_it} tasted of nothing.
            The {dish} tasted reheated.
            Not a fan of the {dish}, the sauce was gluey.
            The {dish} {dish_was} swimming in oil.
            The {dish} used to be great but {dish_is} just sad now.
            The {dish} {dish_was} burnt on one side.
        """,
        neu="""
            I had the {dish}.
            We split the {dish} and a couple of sides.
            The {dish} {dish_is} their most popular item apparently.
            I ordered the {dish} since the server recommended {dish_it}.
            My husband got the {dish}, I had a salad.
            The {dish} {dish_was} fine, pretty standard.
        """,
    ),
    "service": bank(
        pos="""
            Service was warm and attentive without hovering.
            Our server was fantastic and knew the menu inside out.
            The staff made us feel really welcome.
            Service was quick even though the place was packed.
            Our waiter checked in at just the right moments.
            Super friendly staff, they remembered us from last time.
            The host squeezed us in without a reservation, which was kind.
            Great service, our water glasses never went empty.
            Our waitress gave honest recommendations, even steered us away from a dish.
            The team handled my nut allergy really carefully.
            Staff were lovely with our toddler.
            Service was friendly and efficient.
        """,
        neg="""
            Service was painfully slow.
            Our waiter disappeared for twenty minutes at a time.
            We had to flag someone down just to order drinks.
            The staff seemed annoyed that we were there at all.
            Our server got two of the orders wrong and didn't apologize.
            The hostess was pretty rude when we asked about the wait.
            Took forever to get the check.
            Nobody came to our table for the first fifteen minutes.
            The waiter rolled his eyes when I asked for no onions.
            Staff were more interested in chatting with each other than serving anyone.
            They brought the mains while we were still on starters.
            Our server forgot about us halfway through the meal.
        """,
        neu="""
            Service was fine.
            Our server was new, I think.
            Service was standard, nothing to write home about.
            We were seated right away.
            You order at the counter and they bring it out.
            There's a 12% service charge added automatically.
        """,
    ),
    "price": bank(
        pos="""
            Very reasonable prices for the quality.
            Great value, we ate well for under {money} for two.
            Prices are fair, especially at lunch.
            You get a lot for your money here.
            The lunch special is a steal.
            Happy hour prices are excellent.
            Honestly cheaper than I expected for food this good.
        """,
        neg="""
            Way overpriced for what you get.
            The bill was a shock, drinks are marked up like crazy.
            Pricey. Too pricey for a weeknight.
            Prices went up again and the portions didn't.
            Not worth the money in my opinion.
            Paid {money} for two and left feeling ripped off.
            Charging extra for bread and water is a bit much.
            The prices on the menu don't match what they charge at the register.
        """,
        neu="""
            Prices are in line with other places in the neighborhood.
            It's mid-range price wise.
            Expect to spend around {money} for two with drinks.
            Cash and card both accepted.
        """,
    ),
    "ambience": bank(
        pos="""
            Lovely atmosphere, cozy with soft lighting.
            The space is gorgeous, great for a date night.
            Nice vibe, good music at a volume where you can still talk.
            The patio is a real gem on a warm evening.
            Cozy and relaxed, felt like eating at a friend's place.
            Beautiful interior, lots of wood and plants.
            Great spot for groups, the big tables in the back are perfect.
        """,
        neg="""
            It's so loud you can't hear the person across from you.
            The dining room felt cramped, tables are practically on top of each other.
            Lighting is harsh and the place feels like a cafeteria.
            The music was blasting the whole time.
            It was freezing inside, we kept our coats on.
            We got seated right next to the kitchen door, which swung open every ten seconds.
            The place smells like old fryer oil.
        """,
        neu="""
            It's a small place, maybe fifteen tables.
            The decor is pretty minimal.
            There's some outdoor seating too.
            Parking nearby is limited, we took the bus.
            It's right next to the train station.
        """,
    ),
    "wait_time": bank(
        pos="""
            No wait at all on a Friday, which surprised me.
            Food came out fast.
            They were quick even with a full room.
            Our mains arrived maybe ten minutes after ordering.
            Got a table straight away even at peak time.
        """,
        neg="""
            We waited over an hour for our mains.
            45 minute wait even with a reservation.
            The food took forever to come out.
            Waited 40 minutes for two sandwiches.
            The line out the door on weekends is brutal.
            Half an hour between starters and mains, and the place was half empty.
            They quoted 20 minutes for a table and it was closer to an hour.
        """,
        neu="""
            Expect a wait on weekends.
            They don't take reservations, so plan for that.
            We waited about twenty minutes for a table.
            Book ahead if you're going on a Saturday.
        """,
    ),
    "portions": bank(
        pos="""
            Portions are huge, I took half home.
            Generous portions, nobody left hungry.
            Big servings for the price.
            The portions are enormous, one main is easily enough for two.
            Plenty of food, we didn't even have room for dessert.
        """,
        neg="""
            Portions are tiny for what they charge.
            The plates looked half empty.
            I was still hungry afterwards.
            Small portions, three bites and it was gone.
            The portion size has shrunk noticeably since last year.
        """,
        neu="""
            Portions are on the smaller side, tapas style.
            Plates are meant for sharing.
            Portion sizes are normal.
        """,
    ),
    "dessert": bank(
        pos="""
            Save room for dessert, the {dessert} {dessert_is} amazing.
            The {dessert} {dessert_was} the best part of the meal.
            We ended with the {dessert} and {dessert_it} was perfect.
            Don't leave without trying the {dessert}.
            The {dessert} {dessert_was} light and not too sweet, exactly right.
        """,
        neg="""
            The {dessert} {dessert_was} disappointing, tasted store-bought.
            Dessert was a miss, the {dessert} {dessert_was} way too sweet.
            The {dessert} came out still half frozen.
            Skip dessert, the {dessert} {dessert_was} stale.
        """,
        neu="""
            We skipped dessert.
            We shared the {dessert} at the end.
            Dessert menu is short, just three or four things.
        """,
    ),
    "drinks": bank(
        pos="""
            Great {drink}.
            The {drink} {drink_was} excellent.
            The {drink} {drink_was} exactly what I needed.
            Nice drinks menu, and the staff clearly care about it.
            Refills on the {drink} without asking, nice touch.
        """,
        neg="""
            The {drink} {drink_was} watered down.
            Drinks were overpriced and weak.
            My {drink} came out lukewarm.
            They were out of half the drinks on the menu.
            The {drink} tasted like it came from a bottle in the fridge for a week.
        """,
        neu="""
            I just had water.
            I had a {drink}.
            No alcohol license, but you can bring your own.
        """,
    ),
    "cleanliness": bank(
        pos="""
            The place is spotless, including the restrooms.
            Very clean, tables wiped down right away.
            Clean kitchen, you can see right into it.
        """,
        neg="""
            Tables were sticky and the floor hadn't been swept.
            The restroom was pretty gross.
            A fly circled our table the whole meal.
            Our glasses had water spots and lipstick on one of them.
            There was a hair in my food. Lost my appetite after that.
        """,
        neu="""
            Restrooms are downstairs.
            It looked clean enough.
        """,
    ),
    "delivery": bank(
        pos="""
            Ordered delivery and it arrived hot and well packed.
            Takeout was ready exactly when they said.
            Packaging was sturdy and nothing leaked.
            Delivery was quicker than the app estimated.
            They even included extra sauce without me asking.
        """,
        neg="""
            Delivery took over an hour and the food was cold.
            They forgot half our order in the takeout bag.
            Everything was soggy by the time it arrived.
            The container leaked sauce all over the bag.
            Ordered for 7pm, it showed up at 8:15.
        """,
        neu="""
            We ordered through a delivery app.
            Picked it up myself on the way home.
            Delivery is only within a couple of miles.
        """,
    ),
}


def R(name, short, count, bias, vars, profile, sig):
    return {"domain": "restaurants", "name": name, "short": short, "count": count, "bias": bias,
            "vars": vars, "profile": profile, "sig": sig}


REST_ENTITIES = [
    R(
        "Trattoria Lucca", ["Lucca", "Trattoria Lucca"], 62, 0.2,
        {"money": ["$70", "$90", "$110"],
         "dish": ["cacio e pepe", "wild boar ragù", "osso buco", "burrata", "lasagna", "gnocchi*",
                  "risotto ai funghi", "veal saltimbocca"],
         "dessert": ["tiramisu", "panna cotta", "cannoli*", "affogato"],
         "drink": ["Chianti", "negroni", "house red", "Aperol spritz"]},
        {"food": (3, .9, .04), "dish": (4, .85, .07), "dessert": (1.5, .88, .05), "service": (3, .2, .65),
         "wait_time": (2.2, .08, .82), "price": (1.8, .25, .55), "ambience": (1.5, .72, .1),
         "drinks": (1, .65, .15), "portions": (0.7, .45, .25)},
        {
            "food": bank(pos="""
                The pasta at Lucca is clearly made in house, you can taste it.
                Best Italian food in the neighborhood, no contest.
                Nonna-level cooking, the sauces are unreal.
                Everything from the bread to the sauces is made from scratch.
                The kitchen at Lucca doesn't cut corners, every dish tasted like someone cared.
            """),
            "dish": bank(pos="""
                The cacio e pepe is silky and peppery, exactly how it should be.
                The wild boar ragù is the best thing on the menu, rich and slow-cooked.
                The osso buco fell off the bone.
                Burrata was creamy and came with the sweetest tomatoes.
            """),
            "service": bank(neg="""
                Service at Lucca is the weak spot, we waited ages just to order.
                Lovely food, but the servers seem completely overwhelmed on weekends.
                Our waiter forgot our bread, then our wine, then us.
                Two servers for a full dining room is not enough, and it shows.
                We asked for the bill three times.
            """, pos="""
                Our server Marco was charming and patient with all our questions.
            """),
            "wait_time": bank(neg="""
                Even with a reservation we sat at the bar for 40 minutes.
                Mains took over an hour to come out, the kitchen is clearly understaffed.
                Pasta is made to order, which is great, but it means a long wait every single time.
            """),
            "price": bank(neg="""
                It's not cheap, and the wine markup stings.
                $26 for a bowl of pasta, even very good pasta, is steep.
            """),
            "ambience": bank(pos="""
                Candlelit, rustic, the kind of room that makes you want to linger.
                Checked tablecloths and old family photos on the walls, very charming.
            """),
            "drinks": bank(pos="""
                Solid Italian wine list with some interesting bottles by the glass.
                The negroni was perfectly balanced, the bartender knows what he's doing.
            """, neg="""
                The house wine tasted like vinegar, stick to the bottles.
            """),
            "dessert": bank(pos="""
                Their tiramisu is light and boozy in the best way.
                The affogato is a perfect little end to the meal.
            """),
        },
    ),
    R(
        "Blue Harbor Sushi", ["Blue Harbor", "Blue Harbor Sushi"], 55, 0.15,
        {"money": ["$120", "$160", "$220"],
         "dish": ["omakase", "salmon nigiri", "spicy tuna roll", "dragon roll", "chirashi bowl",
                  "yellowtail sashimi", "miso black cod", "uni hand roll"],
         "dessert": ["matcha ice cream", "mochi*", "yuzu sorbet"],
         "drink": ["sake", "highball", "green tea", "plum wine"]},
        {"food": (3, .9, .04), "dish": (4, .85, .06), "price": (2.5, .15, .7), "portions": (2.2, .12, .68),
         "service": (2, .75, .1), "ambience": (1.5, .65, .12), "wait_time": (1, .45, .3),
         "drinks": (1, .7, .1), "dessert": (0.8, .6, .15)},
        {
            "food": bank(pos="""
                The fish at Blue Harbor is as fresh as it gets, you can tell it came in that morning.
                Rice is seasoned well and served at body temperature, which most places get wrong.
                Best sushi I've had outside of Japan, not exaggerating.
                Every piece was cut with real care.
            """),
            "portions": bank(neg="""
                Portions are tiny, eight pieces for the price of a full dinner elsewhere.
                Left hungry and stopped for a slice of pizza on the way home.
                The rolls are cut so small they're basically bite-sized samples.
                Beautiful plates, but you'll need to order three of them to feel full.
            """),
            "price": bank(neg="""
                The omakase is wonderful but at $140 a person it's a special-occasion thing only.
                Quality is top notch, but the prices have crept up every visit.
                Two rolls and a beer came to almost $70.
            """),
            "service": bank(pos="""
                The chef chatted with us the whole time and explained every piece.
                Staff are gracious and quick, our tea was always topped up.
                They remembered my shellfish allergy from my last visit.
            """),
            "ambience": bank(pos="""
                Tiny counter, calm and quiet, feels like a little spot in Tokyo.
                Minimalist room with a view of the harbor, lovely at sunset.
            """),
        },
    ),
    R(
        "El Fogón Taquería", ["El Fogón", "Fogón", "El Fogón Taquería"], 58, 0.2,
        {"money": ["$25", "$30", "$40"],
         "dish": ["tacos al pastor*", "carnitas burrito", "birria tacos*", "chicken quesadilla", "elote",
                  "carne asada plate", "jalapeño poppers*", "pozole"],
         "dessert": ["churros*", "tres leches cake", "flan"],
         "drink": ["horchata", "michelada", "agua fresca", "Mexican Coke"]},
        {"food": (2.5, .85, .07), "dish": (4, .85, .08), "price": (2.5, .9, .03), "portions": (2, .85, .05),
         "ambience": (1.8, .2, .6), "cleanliness": (1.4, .22, .58), "service": (1.2, .55, .2),
         "wait_time": (1, .55, .25), "drinks": (1, .7, .1), "dessert": (0.6, .75, .1)},
        {
            "price": bank(pos="""
                Three tacos and a drink for under twelve bucks, can't beat it.
                Cheapest good meal in town, hands down.
                Feeds a family of four for less than forty dollars.
                Taco Tuesday at El Fogón is basically free food.
            """),
            "portions": bank(pos="""
                The burritos are the size of a small baby.
                They pile the meat on, no skimping at all.
            """),
            "ambience": bank(neg="""
                It's loud, the music is cranked and the TVs are always on.
                Basically a counter and a handful of wobbly tables, don't come for the decor.
                Fluorescent lights and plastic chairs, it's more of a takeout spot.
            """),
            "cleanliness": bank(neg="""
                The salsa bar could use a wipe down more often.
                Floors were sticky and the trash was overflowing.
                Tables don't get cleared fast enough when it's busy.
            """),
            "food": bank(pos="""
                Salsas are homemade and the green one has a serious kick 🌶️
                Tortillas are pressed to order, you can watch them do it.
                Tastes like the taquerías back home in Guadalajara.
                The al pastor is carved right off the spit, crispy edges and all.
            """),
        },
    ),
    R(
        "The Copper Kettle", ["the Copper Kettle", "Copper Kettle", "the Kettle"], 54, 0.25,
        {"money": ["$35", "$45", "$55"],
         "dish": ["buttermilk pancakes*", "eggs Benedict", "avocado toast", "shakshuka", "breakfast burrito",
                  "cinnamon roll", "croque madame", "French toast"],
         "dessert": ["lemon tart", "banana bread", "blueberry scone", "carrot cake"],
         "drink": ["flat white", "café au lait", "oat latte", "chai", "fresh orange juice"]},
        {"food": (2.2, .8, .08), "dish": (3.5, .8, .1), "drinks": (2.5, .9, .04), "wait_time": (2.8, .08, .82),
         "service": (2, .8, .08), "ambience": (1.8, .82, .06), "price": (1.2, .4, .35),
         "portions": (1, .6, .15), "dessert": (1, .75, .1)},
        {
            "wait_time": bank(neg="""
                On a Sunday the line went down the block, we waited over an hour for a table.
                Don't even try after 10am on weekends.
                Great brunch, but the wait is the real price you pay.
                They don't take bookings and the wait list app kept pushing our time back.
            """),
            "drinks": bank(pos="""
                Best flat white in town, the baristas really care about the coffee.
                The café au lait comes in a bowl-sized mug and it's perfect.
                They roast their own beans and you can tell.
                Even the decaf is good, which is rare.
            """),
            "service": bank(pos="""
                Staff are so sweet, they brought my kid crayons without asking.
                The servers keep the coffee coming without you having to ask.
                Everyone working there seems genuinely happy, it's contagious.
            """),
            "ambience": bank(pos="""
                Sunny, plants everywhere, good playlist, my favorite place to start a Saturday.
                Mismatched vintage teacups and big windows, very charming.
            """),
            "dish": bank(pos="""
                Pancakes are fluffy and the size of a dinner plate.
                The shakshuka comes bubbling in a little pan with plenty of bread for dipping.
            """),
        },
    ),
    R(
        "Saffron Lane", ["Saffron Lane"], 52, 0.1,
        {"money": ["$40", "$55", "$65"],
         "dish": ["butter chicken", "lamb rogan josh", "chana masala", "garlic naan", "palak paneer",
                  "chicken biryani", "samosas*", "lamb vindaloo"],
         "dessert": ["gulab jamun", "mango kulfi", "rice pudding"],
         "drink": ["mango lassi", "masala chai", "Kingfisher"]},
        {"food": (3, .78, .12), "dish": (4, .8, .1), "delivery": (2.8, .18, .66), "price": (1.8, .75, .1),
         "portions": (1.5, .75, .1), "service": (1, .55, .2), "ambience": (0.8, .35, .3),
         "drinks": (0.8, .75, .08), "dessert": (0.6, .7, .12)},
        {
            "food": bank(pos="""
                Sauces are rich and layered, you can taste the whole spices.
                The biryani is fragrant and every grain of rice is separate.
                Proper home-style Indian cooking, not the generic sweet stuff.
            """, neg="""
                Asked for medium spice and got something that nearly blew my head off.
                Spice level is a lottery, one week mild, the next week volcanic.
                The curries all started to taste the same after a while, same base sauce I think.
            """),
            "delivery": bank(neg="""
                Delivery from Saffron Lane always takes over an hour, even on a Tuesday.
                Curry arrived lukewarm and the naan was soggy from the steam.
                They forgot the rice again. Third time.
                Driver couldn't find our building and the restaurant wouldn't answer the phone.
            """, pos="""
                Delivery was surprisingly quick this time, under 35 minutes.
            """),
            "price": bank(pos="""
                The lunch thali is a bargain.
                Big containers for the price, we get two meals out of one order.
            """),
        },
    ),
    R(
        "Maison Verdier", ["Maison Verdier", "Verdier"], 50, -0.05,
        {"money": ["$150", "$190", "$240"],
         "dish": ["steak frites", "duck confit", "French onion soup", "coq au vin", "escargots*",
                  "bouillabaisse", "entrecôte", "salade niçoise"],
         "dessert": ["crème brûlée", "tarte Tatin", "chocolate soufflé", "profiteroles*"],
         "drink": ["Burgundy", "rosé", "champagne", "Sancerre", "kir royale"]},
        {"drinks": (2.6, .9, .04), "ambience": (2.4, .9, .05), "dessert": (1.6, .85, .05), "food": (2, .7, .12),
         "dish": (3, .72, .12), "service": (3, .12, .72), "price": (2.4, .08, .77), "portions": (0.8, .3, .4),
         "wait_time": (0.6, .3, .4)},
        {
            "drinks": bank(pos="""
                The wine list at Verdier is serious, and the sommelier knows her stuff.
                Found a lovely Sancerre by the glass I'd never seen anywhere else.
                The sommelier recommended a bottle under $50 that beat anything else on the table.
                Great selection of natural wines, plus proper classics.
            """),
            "service": bank(neg="""
                Our waiter was condescending when I mispronounced a dish.
                Service was cold bordering on rude, and we felt rushed out by 9.
                The staff act like they're doing you a favor by seating you.
                We were ignored for 20 minutes while the waiter fussed over a table of regulars.
                Asked for tap water and got a lecture about their mineral water.
            """),
            "price": bank(neg="""
                The bill for two with wine was close to $300. Beautiful evening, but ouch.
                Side of fries for $12, really?
                Prices are Paris-level, without the Paris.
            """),
            "ambience": bank(pos="""
                Zinc bar, candlelight, old posters on the walls, it really feels like Paris.
                Perfect anniversary spot, intimate and elegant without being stuffy.
                The little terrace with the string lights is magical in summer.
            """),
            "dessert": bank(pos="""
                The crème brûlée has the perfect crackly top.
                The soufflé is worth the twenty-minute wait, order it with your mains.
            """),
        },
    ),
    R(
        "Smokestack BBQ", ["Smokestack", "Smokestack BBQ"], 56, 0.1,
        {"money": ["$50", "$65", "$80"],
         "dish": ["brisket", "pulled pork sandwich", "burnt ends*", "St. Louis ribs*", "smoked chicken",
                  "sausage links*", "brisket sandwich"],
         "dessert": ["banana pudding", "peach cobbler", "pecan pie"],
         "drink": ["sweet tea", "local IPA", "bourbon flight", "lemonade"]},
        {"food": (2.5, .68, .2), "dish": (4, .8, .12), "portions": (2.5, .9, .03), "price": (1.5, .6, .2),
         "ambience": (1.6, .45, .35), "service": (1.2, .6, .2), "wait_time": (1.2, .35, .4),
         "cleanliness": (0.8, .35, .35), "dessert": (1, .65, .15), "drinks": (0.8, .7, .1)},
        {
            "dish": bank(pos="""
                Brisket had a perfect smoke ring and a peppery bark.
                The burnt ends are like candy.
                Ribs had just the right amount of pull, not falling off the bone, which is how it should be.
            """),
            "food": bank(neg="""
                Meat is great, sides not so much, the mac and cheese tasted like the boxed kind.
                They ran out of brisket by 7pm, which happens way too often.
                Sides are an afterthought, the coleslaw was watery and the beans came from a can.
                The cornbread was dry as sand.
            """, pos="""
                You can smell the smoker from down the street, and the meat lives up to it.
                Real wood-smoked barbecue, not the liquid smoke stuff.
            """),
            "drinks": bank(pos="""
                Great bourbon selection and a rotating list of local beers on tap.
            """),
            "portions": bank(pos="""
                The two-meat platter could feed a family of four.
                Ordered a half pound of brisket and got what looked like a full pound.
            """),
            "ambience": bank(pos="""
                It's loud and smoky and a bit chaotic, which is part of the charm.
                Picnic tables, country music, rolls of paper towels, exactly what a BBQ joint should be.
            """, neg="""
                Picnic benches and paper towels, and your clothes will smell like smoke for days.
                Way too loud inside on game nights.
            """),
        },
    ),
    R(
        "Green Bowl Kitchen", ["Green Bowl", "Green Bowl Kitchen"], 53, -0.1,
        {"money": ["$30", "$38", "$45"],
         "dish": ["Thai peanut bowl", "falafel bowl", "salmon poke bowl", "kale Caesar", "tofu teriyaki bowl",
                  "quinoa power bowl", "harissa chicken bowl"],
         "dessert": ["chia pudding", "protein bites*", "vegan brownie"],
         "drink": ["green juice", "cold brew", "kombucha", "matcha latte"]},
        {"food": (3, .42, .42), "dish": (3.5, .5, .35), "price": (2.6, .08, .72), "portions": (2.2, .12, .68),
         "wait_time": (1.8, .85, .05), "service": (1.2, .7, .1), "delivery": (1.2, .6, .2),
         "ambience": (0.8, .55, .15), "cleanliness": (0.8, .8, .05), "drinks": (0.8, .6, .2)},
        {
            "food": bank(neg="""
                Everything is super fresh but weirdly bland, I had to add hot sauce to everything.
                Dressing is applied so sparingly the bowl tastes like raw vegetables.
                Healthy, sure, but it tastes like a diet.
                The grains were cold and clumpy.
            """, pos="""
                Ingredients are super fresh, crunchy veg and nicely cooked grains.
                Nice to have a lunch option that doesn't leave me in a food coma.
                Lots of vegan and gluten-free options that actually taste good.
            """),
            "price": bank(neg="""
                $17 for a bowl of mostly lettuce is hard to justify.
                Adding avocado costs $3. Adding protein costs $5. It adds up fast.
                I love the concept but I can't afford to eat here more than once a month.
            """),
            "portions": bank(neg="""
                Looks big in the photos but it's mostly greens, I was hungry an hour later.
                They were stingy with the salmon, maybe four small cubes.
            """),
            "wait_time": bank(pos="""
                In and out in under five minutes on my lunch break, love that.
                The line moves fast even at noon.
            """),
            "delivery": bank(pos="""
                Ordering ahead in their app is super smooth, my bowl is always ready when I get there.
            """),
        },
    ),
]


# More variety for the most used generic banks.
_MORE = {
    ("food", "pos"): """
        The food was a lovely surprise, much better than the outside suggests.
        Every dish came out looking like a photo and tasted even better.
        Fresh, generous and properly seasoned, what more do you want.
        We left stuffed and happy.
    """,
    ("food", "neg"): """
        The food tasted like it came out of a freezer bag.
        Flavors were muddled, everything tasted of the same sauce.
        For a place with this reputation the food was a real disappointment.
    """,
    ("food", "neu"): """
        Standard menu, a bit of everything.
        The menu is bigger than you'd think for a small place.
    """,
    ("service", "pos"): """
        Our server was funny and made the whole evening.
        The manager stopped by to check on us, which was a nice touch.
        They split the bill six ways without any fuss.
        Even when it got busy, nobody forgot about us.
    """,
    ("service", "neg"): """
        Had to ask three times for the same side of sauce.
        The server kept reaching across us to clear plates while we were still eating.
        They seemed understaffed and nobody took ownership of our table.
        We were given the bill before we'd even asked about dessert.
    """,
    ("service", "neu"): """
        Table service at dinner, counter service at lunch.
        They bring the whole order out at once.
    """,
    ("price", "pos"): """
        Fair prices, especially considering the portion sizes.
        Didn't feel like we overpaid at all.
        Good food without the downtown markup.
    """,
    ("price", "neg"): """
        Expensive for a casual spot.
        Small plates at big-plate prices.
        The specials aren't priced on the menu and we got a nasty surprise.
    """,
    ("price", "neu"): """
        Mains are around the $20 mark.
        Menu prices include tax.
    """,
    ("ambience", "pos"): """
        Great people-watching from the window tables.
        The room has a really nice buzz without being noisy.
        Loved the open kitchen, fun to watch the cooks work.
    """,
    ("ambience", "neg"): """
        The chairs are so uncomfortable I couldn't wait to leave.
        A TV blaring sports in a place like this just kills the mood.
        The AC was dripping onto our table.
    """,
    ("ambience", "neu"): """
        Mostly couples and small groups when we went.
        It's on the second floor, no elevator.
    """,
    ("portions", "pos"): """
        Nobody leaves hungry here.
        We had leftovers for lunch the next day.
    """,
    ("portions", "neg"): """
        For the price I expected at least a side with it.
        The main was more garnish than food.
    """,
    ("wait_time", "pos"): """
        Starters arrived within five minutes.
        They had our table ready the minute we walked in.
    """,
    ("wait_time", "neg"): """
        It took 25 minutes just to get our drinks.
        By the time the food came we'd finished two rounds of drinks.
    """,
    ("drinks", "pos"): """
        The {drink} {drink_was} lovely, I had two.
        Good drinks at fair prices.
    """,
    ("dish", "pos"): """
        The {dish} {dish_was} even better than last time.
        Can't stop recommending the {dish} to everyone.
        The {dish} {dish_was} perfectly done, crispy outside and tender inside.
    """,
    ("dish", "neg"): """
        The {dish} {dish_was} nothing like the description on the menu.
        The {dish} came out lukewarm and we waited a while for {dish_it}.
    """,
}
for (_aspect, _pol), _block in _MORE.items():
    REST_GENERIC[_aspect][_pol] += L(_block)
