-- Clairvoie's tiles (outputs/tiles/): streets by importance with their names, water, parks.
-- Nothing else of the extract is kept, so the tiles stay small.

node_keys = {}

-- highway value -> class drawn by the interactive map's style (clairvoie-carte.js)
STREET_CLASS = {
	motorway = "major", trunk = "major", primary = "major", motorway_link = "major",
	trunk_link = "major", primary_link = "major",
	secondary = "medium", tertiary = "medium", secondary_link = "medium", tertiary_link = "medium",
	residential = "minor", unclassified = "minor", living_street = "minor", road = "minor",
	pedestrian = "path", service = "path", footway = "path", cycleway = "path", path = "path",
	steps = "path", track = "path"
}
PARK = { park = true, garden = true, recreation_ground = true, playground = true, pitch = true }
GREEN_LANDUSE = { grass = true, forest = true, cemetery = true, meadow = true, village_green = true, allotments = true }

function init_function()
end

function exit_function()
end

function node_function(node)
end

function way_function(way)
	local highway = way:Find("highway")
	local class = STREET_CLASS[highway]
	if class and way:Find("area") ~= "yes" then
		way:Layer("street", false)
		way:Attribute("class", class)
		local name = way:Find("name")
		if name ~= "" then way:Attribute("name", name) end
		return
	end
	local waterway = way:Find("waterway")
	if waterway == "river" or waterway == "canal" or waterway == "stream" then
		way:Layer("waterway", false)
		local name = way:Find("name")
		if name ~= "" then way:Attribute("name", name) end
	end
	if not way:IsClosed() then return end
	if way:Find("natural") == "water" or way:Find("waterway") == "riverbank" or way:Find("landuse") == "reservoir" then
		way:Layer("water", true)
	elseif PARK[way:Find("leisure")] or GREEN_LANDUSE[way:Find("landuse")] or way:Find("natural") == "wood" then
		way:Layer("park", true)
		local name = way:Find("name")
		if name ~= "" then way:Attribute("name", name) end
	end
end
